import Crypto
import ExecCore
import Foundation

/// Signs requests to Function Compute (docs/PROTOCOL.md §2 and §4): REST calls
/// with ACS3-HMAC-SHA256, the exec handshake with the `FC ak:sig` scheme as
/// FC 3.0's own tooling (Serverless Devs' fc3 component) does.
struct RequestSigner: Sendable {
    let credentials: FCCredentials
    var accountId: String?
    var userAgent = "porthole-fc"

    /// The headers of one REST call, every one of them signed (what the
    /// official SDK does, and what a verifier rebuilds from SignedHeaders).
    /// `path` is percent-encoded as sent; `query` is unencoded pairs.
    func acs3Headers(
        method: String, host: String, path: String, query: [(String, String)], action: String,
        body: [UInt8]?, contentType: String? = nil, date: Date = Date(), nonce: String = UUID().uuidString
    ) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("host", host),
            ("accept", "application/json"),
            ("user-agent", userAgent),
            ("x-acs-version", "2023-03-30"),
            ("x-acs-action", action),
            ("x-acs-date", Self.isoDate(date)),
            ("x-acs-signature-nonce", nonce),
            ("x-acs-content-sha256", Self.hexSHA256(body ?? [])),
        ]
        if body != nil { headers.append(("content-type", contentType ?? "application/octet-stream")) }
        if let token = credentials.securityToken {
            headers.append(("x-acs-accesskey-id", credentials.accessKeyId))
            headers.append(("x-acs-security-token", token))
        }
        let sorted = headers.sorted { $0.0 < $1.0 }
        let canonicalHeaders = sorted.map { "\($0.0):\($0.1.trimmingCharacters(in: .whitespaces))\n" }.joined()
        let signedHeaders = sorted.map(\.0).joined(separator: ";")
        let canonical = [
            method, path, Self.canonicalQuery(query), canonicalHeaders, signedHeaders, Self.hexSHA256(body ?? []),
        ].joined(separator: "\n")
        let stringToSign = "ACS3-HMAC-SHA256\n" + Self.hexSHA256(Array(canonical.utf8))
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(
            for: Data(stringToSign.utf8), using: SymmetricKey(data: Data(credentials.accessKeySecret.utf8))))
        headers.append((
            "authorization",
            "ACS3-HMAC-SHA256 Credential=\(credentials.accessKeyId),SignedHeaders=\(signedHeaders),Signature=\(signature)"))
        return headers
    }

    /// The exec handshake's headers: `Date`, `x-fc-account-id`, with STS
    /// `x-fc-security-token`, and `Authorization: FC id:base64(HMAC)` over
    /// `GET\n\n\nDATE\n` + the sorted `x-fc-*` headers + the unescaped path
    /// (the query is not signed).
    func fcHeaders(method: String, host: String, unescapedPath: String, date: Date = Date()) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("host", host), ("accept", "application/json"), ("date", Self.httpDate(date)), ("user-agent", userAgent),
        ]
        var fcHeaders: [(String, String)] = []
        if let accountId { fcHeaders.append(("x-fc-account-id", accountId)) }
        if let token = credentials.securityToken { fcHeaders.append(("x-fc-security-token", token)) }
        headers += fcHeaders
        let canonical = fcHeaders.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)\n" }.joined()
        let stringToSign = "\(method)\n\n\n\(Self.httpDate(date))\n" + canonical + unescapedPath
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(stringToSign.utf8), using: SymmetricKey(data: Data(credentials.accessKeySecret.utf8)))
        headers.append(("authorization", "FC \(credentials.accessKeyId):\(Data(mac).base64EncodedString())"))
        return headers
    }

    // MARK: Encoding

    /// Keys sorted, values RFC 3986 encoded, `k=` for empty values.
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(key: String, value: String)] = query.map { (ExecRequest.percentEncode($0.0), ExecRequest.percentEncode($0.1)) }
        let sorted = encoded.sorted { (a, b) -> Bool in a.key == b.key ? a.value < b.value : a.key < b.key }
        return sorted.map { (pair) -> String in pair.key + "=" + pair.value }.joined(separator: "&")
    }

    static func hexSHA256(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
