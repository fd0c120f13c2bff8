import Crypto
import Foundation
import NIOHTTP1
import Platform
import XCTest

@testable import LocalRuntime

/// The server's signature checks, from requests built here by hand (the
/// official SDKs check the same server end to end in FunctionComputeBackendTests).
final class RequestAuthenticatorTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    lazy var authenticator = RequestAuthenticator(
        token: AccessToken(value: "tok"),
        accessKeys: AccessKeys(keys: ["AK": .init(secret: "SECRET"), "STS.x": .init(secret: "S2", securityToken: "T2")]),
        clock: { [now] in now })

    private func acs3(_ uri: String, date: Date? = nil, nonce: String = "n1", secret: String = "SECRET", extra: [(String, String)] = []) -> HTTPHeaders {
        var headers: [(String, String)] = [
            ("host", "127.0.0.1:1"), ("x-acs-date", ISO8601DateFormatter().string(from: date ?? now)),
            ("x-acs-signature-nonce", nonce), ("x-acs-content-sha256", ACS3Signature.hexSHA256([])),
            ("x-acs-action", "ListInstances"), ("user-agent", "test"),
        ] + extra
        headers.sort { $0.0 < $1.0 }
        var built = HTTPHeaders(headers)
        let names = headers.map(\.0)
        // The SDK encodes values RFC 3986 style in the canonical query; the wire may use `+`.
        let canonical = ACS3Signature.canonicalRequest(
            method: "GET", uri: uri, headers: built, signedHeaders: names, payloadHash: ACS3Signature.hexSHA256([]))
        let signature = HMAC<SHA256>.authenticationCode(
            for: Data(ACS3Signature.stringToSign(canonicalRequest: canonical).utf8), using: SymmetricKey(data: Data(secret.utf8)))
        built.add(name: "Authorization", value: "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=\(names.joined(separator: ";")),Signature=\(signature.map { String(format: "%02x", $0) }.joined())")
        return built
    }

    func testACS3AcceptsFormEncodedQueriesAndRefusesReplays() {
        let uri = "/2023-03-30/functions/f/instances?instanceStatus=%5B%22Running%22%5D&withAllActive=True&q=a+b"
        let headers = acs3(uri)
        XCTAssertEqual(ACS3Signature.canonicalQuery("q=a+b&b=%7E*"), "b=~%2A&q=a%20b")
        guard case .success(let who) = authenticator.authenticate(method: "GET", uri: uri, headers: headers, body: []) else {
            return XCTFail("a good signature is accepted")
        }
        XCTAssertEqual(who, "ak:AK")
        guard case .failure(let replay) = authenticator.authenticate(method: "GET", uri: uri, headers: headers, body: []) else {
            return XCTFail("a replay is refused")
        }
        XCTAssertEqual(replay.code, "SignatureNonceUsed")
    }

    func testACS3RefusesWrongSecretTamperingAndSkew() {
        let uri = "/2023-03-30/functions"
        if case .failure(let error) = authenticator.authenticate(method: "GET", uri: uri, headers: acs3(uri, secret: "nope"), body: []) {
            XCTAssertEqual(error.code, "SignatureNotMatch")
        } else { XCTFail("wrong secret accepted") }
        if case .failure(let error) = authenticator.authenticate(method: "GET", uri: uri + "?limit=1", headers: acs3(uri, nonce: "n2"), body: []) {
            XCTAssertEqual(error.code, "SignatureNotMatch", "the query is signed")
        } else { XCTFail("tampered query accepted") }
        let stale = acs3(uri, date: now.addingTimeInterval(-16 * 60), nonce: "n3")
        if case .failure(let error) = authenticator.authenticate(method: "GET", uri: uri, headers: stale, body: []) {
            XCTAssertEqual(error.code, "RequestTimeTooSkewed")
        } else { XCTFail("stale date accepted") }
        let fresh = acs3(uri, date: now.addingTimeInterval(-14 * 60), nonce: "n4")
        if case .failure(let error) = authenticator.authenticate(method: "GET", uri: uri, headers: fresh, body: []) {
            XCTFail("14 minutes off is within the window: \(error)")
        }
    }

    func testFCSchemeWithAndWithoutSTS() {
        let date = "Fri, 15 Jan 2027 08:00:00 GMT"
        let at = FCSignature.parseDate(date)!
        let authenticator = RequestAuthenticator(
            token: AccessToken(value: "tok"),
            accessKeys: AccessKeys(keys: ["AK": .init(secret: "SECRET"), "STS.x": .init(secret: "S2", securityToken: "T2")]),
            clock: { at })
        func sign(_ id: String, _ secret: String, token: String?) -> HTTPHeaders {
            var headers = HTTPHeaders([("Date", date), ("content-type", "application/json")])
            var canonical = ""
            if let token {
                headers.add(name: "x-fc-security-token", value: token)
                canonical = "x-fc-security-token:\(token)\n"
            }
            let path = "/2016-08-15/services/s.LATEST/functions/f/instances/c-1/exec"
            let mac = HMAC<SHA256>.authenticationCode(
                for: Data("GET\n\napplication/json\n\(date)\n\(canonical)\(path)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
            headers.add(name: "Authorization", value: "FC \(id):\(Data(mac).base64EncodedString())")
            return headers
        }
        let uri = "/2016-08-15/services/s.LATEST/functions/f/instances/c-1/exec?command=ls&stdout=true"
        guard case .success = authenticator.authenticate(method: "GET", uri: uri, headers: sign("AK", "SECRET", token: nil), body: []) else {
            return XCTFail("FC scheme with a long-term key")
        }
        guard case .success = authenticator.authenticate(method: "GET", uri: uri, headers: sign("STS.x", "S2", token: "T2"), body: []) else {
            return XCTFail("FC scheme with STS")
        }
        if case .failure(let error) = authenticator.authenticate(method: "GET", uri: uri, headers: sign("STS.x", "S2", token: "bad"), body: []) {
            XCTAssertEqual(error.code, "InvalidSecurityToken")
        } else { XCTFail("a wrong STS token was accepted") }
        if case .failure(let error) = authenticator.authenticate(method: "GET", uri: uri, headers: sign("AK", "other", token: nil), body: []) {
            XCTAssertEqual(error.code, "SignatureNotMatch")
        } else { XCTFail("wrong secret accepted") }
    }

    func testBearerTokensAndAccessKeyFile() throws {
        guard case .success = authenticator.authenticate(
            method: "GET", uri: "/2023-03-30/functions", headers: HTTPHeaders([("x-acs-bearer-token", "tok")]), body: [])
        else { return XCTFail("x-acs-bearer-token is a bearer token") }
        guard case .failure = authenticator.authenticate(
            method: "GET", uri: "/2023-03-30/functions", headers: HTTPHeaders([("Authorization", "Bearer nope")]), body: [])
        else { return XCTFail("a wrong token is refused") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-keys-\(UUID().uuidString.prefix(6))")
        defer { try? FileManager.default.removeItem(at: file) }
        FileManager.default.createFile(atPath: file.path, contents: Data("# keys\nA1 s1\nSTS.b s2 t2\n".utf8), attributes: [.posixPermissions: 0o644])
        XCTAssertThrowsError(try AccessKeys.load(from: file)) { XCTAssertTrue("\($0)".contains("chmod 600"), "\($0)") }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let keys = try AccessKeys.load(from: file)
        XCTAssertEqual(keys.keys["A1"], .init(secret: "s1"))
        XCTAssertEqual(keys.keys["STS.b"], .init(secret: "s2", securityToken: "t2"))
    }
}
