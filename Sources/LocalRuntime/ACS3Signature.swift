import Crypto
import ExecCore
import Foundation
import NIOHTTP1

/// The server's side of ACS3-HMAC-SHA256 (docs/PROTOCOL.md §4): rebuilds the
/// canonical request a client signed from what arrived on the wire.
enum ACS3Signature {
    static let algorithm = "ACS3-HMAC-SHA256"

    struct Authorization {
        var accessKeyId: String
        var signedHeaders: [String]
        var signature: String
    }

    /// `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`
    static func parseAuthorization(_ header: String) -> Authorization? {
        var fields: [String: String] = [:]
        for part in header.dropFirst(algorithm.count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            fields[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        guard let id = fields["Credential"], !id.isEmpty, let signed = fields["SignedHeaders"], let signature = fields["Signature"] else {
            return nil
        }
        return Authorization(
            accessKeyId: id, signedHeaders: signed.split(separator: ";").map { $0.lowercased() }, signature: signature)
    }

    /// `METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nPAYLOADHASH`, the URI as sent (the
    /// SDK signs the encoded path), each query value decoded from the wire
    /// (which may be form-encoded) and re-encoded RFC 3986 style.
    static func canonicalRequest(method: String, uri: String, headers: HTTPHeaders, signedHeaders: [String], payloadHash: String) -> String {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0].isEmpty ? "/" : String(parts[0])
        let query = parts.count > 1 ? canonicalQuery(String(parts[1])) : ""
        let names = signedHeaders.sorted()
        let canonicalHeaders = names.map { name in
            let values = headers[name].map { $0.trimmingCharacters(in: .whitespaces) }.sorted()
            return "\(name):\(values.joined(separator: ","))\n"
        }.joined()
        return [method, path, query, canonicalHeaders, names.joined(separator: ";"), payloadHash].joined(separator: "\n")
    }

    static func canonicalQuery(_ query: String) -> String {
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair -> (String, String) in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = ExecRequest.percentDecode(String(kv[0]))
            let value = kv.count > 1 ? ExecRequest.percentDecode(String(kv[1])) : ""
            return (ExecRequest.percentEncode(key), ExecRequest.percentEncode(value))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func stringToSign(canonicalRequest: String) -> String {
        algorithm + "\n" + hexSHA256(Array(canonicalRequest.utf8))
    }

    static func hexSHA256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func hexDecode(_ text: String) -> Data? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out = Data(capacity: bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let byte = UInt8(String(decoding: bytes[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            index += 2
        }
        return out
    }

    /// `2026-12-06T12:00:00Z`
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// The server's side of the `FC AccessKeyId:Signature` scheme (docs/PROTOCOL.md §2).
enum FCSignature {
    /// `METHOD\nContent-MD5\nContent-Type\nDate\n` + sorted `x-fc-*` headers +
    /// the unescaped path; the second candidate adds the sorted query as the
    /// SDKs' HTTP-trigger calls sign it.
    static func stringsToSign(method: String, uri: String, headers: HTTPHeaders) -> [String] {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        var fcHeaders: [(String, String)] = []
        var seen: Set<String> = []
        for header in headers {
            let name = header.name.lowercased()
            guard name.hasPrefix("x-fc-"), seen.insert(name).inserted else { continue }
            fcHeaders.append((name, header.value))
        }
        let canonicalHeaders = fcHeaders.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)\n" }.joined()
        let prefix = [
            method.uppercased(), headers.first(name: "Content-MD5") ?? "", headers.first(name: "Content-Type") ?? "",
            headers.first(name: "Date") ?? "",
        ].joined(separator: "\n") + "\n" + canonicalHeaders
        var candidates = [prefix + path]
        if parts.count > 1 {
            let params = parts[1].split(separator: "&").map { pair -> String in
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = ExecRequest.percentDecode(String(kv[0]))
                return kv.count > 1 ? "\(key)=\(ExecRequest.percentDecode(String(kv[1])))" : key
            }.sorted()
            candidates.append(prefix + path + "\n" + params.joined(separator: "\n"))
        }
        return candidates
    }

    /// RFC 1123: `Sun, 06 Dec 2026 12:00:00 GMT`
    static func parseDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
