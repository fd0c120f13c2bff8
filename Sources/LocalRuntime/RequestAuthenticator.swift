import Crypto
import ExecCore
import Foundation
import NIOHTTP1
import Platform

/// Decides who sent a request: porthole's bearer token (`Authorization:
/// Bearer`, or FC's `x-acs-bearer-token`), or an access key signing with
/// ACS3-HMAC-SHA256 (FC 3.0) or the `FC ak:sig` scheme (FC 2.0 and exec), with
/// or without an STS token (docs/PROTOCOL.md §2 and §4). Signed requests must
/// be dated within `allowedSkew` of now; an ACS3 nonce is accepted once.
final class RequestAuthenticator: Sendable {
    let token: AccessToken
    let accessKeys: AccessKeys?
    let allowedSkew: TimeInterval
    private let nonces: NonceCache
    private let clock: @Sendable () -> Date

    init(token: AccessToken, accessKeys: AccessKeys?, allowedSkew: TimeInterval = 15 * 60,
         clock: @escaping @Sendable () -> Date = { Date() }) {
        self.token = token
        self.accessKeys = accessKeys
        self.allowedSkew = allowedSkew
        self.clock = clock
        // A nonce older than twice the skew is refused for its date anyway.
        self.nonces = NonceCache(lifetime: 2 * allowedSkew + 60)
    }

    /// The identity of the caller for the audit log, or the error to answer with.
    /// `body` is the request body (empty for GET and the exec handshake).
    func authenticate(method: String, uri: String, headers: HTTPHeaders, body: [UInt8]) -> Result<String, APIError> {
        let authorization = headers.first(name: "Authorization") ?? ""
        if authorization.hasPrefix("Bearer ") {
            return checkBearer(String(authorization.dropFirst("Bearer ".count)))
        }
        if authorization.isEmpty, let bearer = headers.first(name: "x-acs-bearer-token") {
            return checkBearer(bearer)
        }
        if authorization.hasPrefix(ACS3Signature.algorithm + " ") {
            return verifyACS3(authorization: authorization, method: method, uri: uri, headers: headers, body: body)
        }
        if authorization.hasPrefix("FC ") {
            return verifyFC(authorization: authorization, method: method, uri: uri, headers: headers, body: body)
        }
        return .failure(.unauthorized())
    }

    private func checkBearer(_ candidate: String) -> Result<String, APIError> {
        token.matches(candidate) ? .success(tokenIdentity) : .failure(.unauthorized())
    }

    var tokenIdentity: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in token.value.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "token:" + String(hash, radix: 16).suffix(8) + "@uid\(getuid())"
    }

    // MARK: ACS3-HMAC-SHA256

    private func verifyACS3(authorization: String, method: String, uri: String, headers: HTTPHeaders, body: [UInt8]) -> Result<String, APIError> {
        guard let parsed = ACS3Signature.parseAuthorization(authorization) else {
            return .failure(.badSignature("the Authorization header is not `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`"))
        }
        guard case .success(let key) = lookUp(parsed.accessKeyId) else { return .failure(lookUpError(parsed.accessKeyId)) }
        if case .failure(let error) = checkSecurityToken(key, id: parsed.accessKeyId, sent: headers.first(name: "x-acs-security-token")) {
            return .failure(error)
        }
        for required in ["host", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"] where !parsed.signedHeaders.contains(required) {
            return .failure(.badSignature("SignedHeaders must include \(required)"))
        }
        let bodyHash = ACS3Signature.hexSHA256(body)
        guard headers.first(name: "x-acs-content-sha256")?.lowercased() == bodyHash else {
            return .failure(.badSignature("x-acs-content-sha256 does not match the SHA-256 of the request body"))
        }
        let canonical = ACS3Signature.canonicalRequest(
            method: method, uri: uri, headers: headers, signedHeaders: parsed.signedHeaders, payloadHash: bodyHash)
        let stringToSign = ACS3Signature.stringToSign(canonicalRequest: canonical)
        guard let signature = ACS3Signature.hexDecode(parsed.signature),
              HMAC<SHA256>.isValidAuthenticationCode(
                signature, authenticating: Data(stringToSign.utf8), using: SymmetricKey(data: Data(key.secret.utf8)))
        else {
            return .failure(.badSignature(
                "the ACS3-HMAC-SHA256 signature does not match; check the access key secret (the server's string to sign was \(stringToSign.debugDescription))"))
        }
        guard let dateText = headers.first(name: "x-acs-date"), let date = ACS3Signature.parseDate(dateText) else {
            return .failure(.badSignature("x-acs-date is missing or not like 2026-01-02T15:04:05Z"))
        }
        if case .failure(let error) = checkDate(date, text: dateText) { return .failure(error) }
        guard let nonce = headers.first(name: "x-acs-signature-nonce"), !nonce.isEmpty else {
            return .failure(.badSignature("x-acs-signature-nonce is missing"))
        }
        guard nonces.insert(nonce, now: clock()) else {
            return .failure(APIError(
                status: 403, code: "SignatureNonceUsed",
                message: "the x-acs-signature-nonce \(nonce) was already used: a signed request is accepted once; sign a new request with a fresh nonce"))
        }
        return .success("ak:\(parsed.accessKeyId)")
    }

    // MARK: FC 2.0 scheme

    private func verifyFC(authorization: String, method: String, uri: String, headers: HTTPHeaders, body: [UInt8]) -> Result<String, APIError> {
        let credential = authorization.dropFirst("FC ".count)
        guard let colon = credential.lastIndex(of: ":") else {
            return .failure(.badSignature("the Authorization header is not `FC AccessKeyId:Signature`"))
        }
        let id = String(credential[..<colon]).trimmingCharacters(in: .whitespaces)
        let signatureText = String(credential[credential.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        guard case .success(let key) = lookUp(id) else { return .failure(lookUpError(id)) }
        if case .failure(let error) = checkSecurityToken(key, id: id, sent: headers.first(name: "x-fc-security-token")) {
            return .failure(error)
        }
        if let md5 = headers.first(name: "Content-MD5"), !md5.isEmpty {
            let digest = Data(Insecure.MD5.hash(data: body))
            guard md5 == digest.base64EncodedString() || md5.lowercased() == digest.map({ String(format: "%02x", $0) }).joined() else {
                return .failure(.badSignature("Content-MD5 does not match the request body"))
            }
        }
        guard let signature = Data(base64Encoded: signatureText) else {
            return .failure(.badSignature("the FC signature is not base64"))
        }
        let secret = SymmetricKey(data: Data(key.secret.utf8))
        // The SDKs sign the unescaped path; only their HTTP-trigger calls add the
        // sorted query after it, so both forms are tried.
        let candidates = FCSignature.stringsToSign(method: method, uri: uri, headers: headers)
        guard candidates.contains(where: {
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data($0.utf8), using: secret)
        }) else {
            return .failure(.badSignature(
                "the FC signature does not match; check the access key secret (the server's string to sign was \(candidates[0].debugDescription))"))
        }
        guard let dateText = headers.first(name: "Date") ?? headers.first(name: "x-fc-date"), let date = FCSignature.parseDate(dateText) else {
            return .failure(.badSignature("the Date header is missing or not an RFC 1123 date like `Sun, 06 Dec 2026 12:00:00 GMT`"))
        }
        if case .failure(let error) = checkDate(date, text: dateText) { return .failure(error) }
        return .success("ak:\(id)")
    }

    // MARK: Shared checks

    private func lookUp(_ id: String) -> Result<AccessKeys.Key, APIError> {
        guard let key = accessKeys?.keys[id] else { return .failure(lookUpError(id)) }
        return .success(key)
    }

    private func lookUpError(_ id: String) -> APIError {
        if accessKeys == nil {
            return APIError(status: 401, code: "InvalidAccessKeyId",
                            message: "this server accepts no access keys; start it with `porthole serve --access-keys FILE` (lines `ID SECRET`), or use the bearer token")
        }
        return APIError(status: 401, code: "InvalidAccessKeyId",
                        message: "access key \(id) is not in this server's --access-keys file")
    }

    /// An STS credential is accepted only with its token; a long-term key only without one.
    private func checkSecurityToken(_ key: AccessKeys.Key, id: String, sent: String?) -> Result<Void, APIError> {
        switch (key.securityToken, sent) {
        case (nil, nil): return .success(())
        case (nil, .some):
            return .failure(APIError(status: 403, code: "InvalidSecurityToken",
                                     message: "access key \(id) is a long-term key, but the request carries a security token"))
        case (.some, nil):
            return .failure(APIError(status: 403, code: "InvalidSecurityToken",
                                     message: "access key \(id) is an STS credential: the request must carry its security token"))
        case (.some(let expected), .some(let candidate)):
            return AccessToken(value: expected).matches(candidate)
                ? .success(())
                : .failure(APIError(status: 403, code: "InvalidSecurityToken", message: "the security token of access key \(id) is wrong or expired"))
        }
    }

    private func checkDate(_ date: Date, text: String) -> Result<Void, APIError> {
        let offset = date.timeIntervalSince(clock())
        guard abs(offset) <= allowedSkew else {
            return .failure(APIError(
                status: 403, code: "RequestTimeTooSkewed",
                message: "the request is dated \(text), \(Int(abs(offset)) / 60) minutes \(offset < 0 ? "ago" : "ahead"); signed requests must be within \(Int(allowedSkew) / 60) minutes of the server's clock: check the client's clock"))
        }
        return .success(())
    }
}

extension APIError {
    static func badSignature(_ message: String) -> APIError {
        APIError(status: 403, code: "SignatureNotMatch", message: message)
    }
}
