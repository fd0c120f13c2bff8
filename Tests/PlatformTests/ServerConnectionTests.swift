import Foundation
import XCTest

@testable import Platform

final class ServerConnectionTests: XCTestCase {
    var directory: URL!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("platform-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func testParsesAddressForms() throws {
        XCTAssertEqual(try ServerConnection.parse("http://127.0.0.1:7878").1, 7878)
        XCTAssertEqual(try ServerConnection.parse("localhost:9000").0, "localhost")
        XCTAssertEqual(try ServerConnection.parse(":9000").0, "127.0.0.1")
        XCTAssertEqual(try ServerConnection.parse("http://[::1]:9000/").0, "::1")
        XCTAssertThrowsError(try ServerConnection.parse("http://host")) { XCTAssertTrue("\($0)".contains("expected http://HOST:PORT")) }
        XCTAssertThrowsError(try ServerConnection.parse("https://x:1"))
        XCTAssertThrowsError(try ServerConnection.parse("x:99999"))
    }

    func testFlagsBeatEnvironmentBeatRecordBeatDefault() throws {
        let state = StateDirectory(url: directory)
        let record = ServerRecord(url: "http://127.0.0.1:5001", tokenFile: "/rec/token", pid: 1)
        try JSONEncoder().encode(record).write(to: state.serverRecordFile)
        let env = ["PORTHOLE_SERVER": "http://127.0.0.1:5002", "PORTHOLE_TOKEN_FILE": "/env/token"]

        let fromFlags = try ServerConnection.resolve(server: "http://127.0.0.1:5003", tokenFile: "/flag/token", environment: env, state: state)
        XCTAssertEqual(fromFlags.port, 5003)
        XCTAssertEqual(fromFlags.tokenFile.path, "/flag/token")
        let fromEnv = try ServerConnection.resolve(server: nil, tokenFile: nil, environment: env, state: state)
        XCTAssertEqual(fromEnv.port, 5002)
        XCTAssertEqual(fromEnv.tokenFile.path, "/env/token")
        let fromRecord = try ServerConnection.resolve(server: nil, tokenFile: nil, environment: [:], state: state)
        XCTAssertEqual(fromRecord.port, 5001)
        XCTAssertEqual(fromRecord.tokenFile.path, "/rec/token")
        try FileManager.default.removeItem(at: state.serverRecordFile)
        let fallback = try ServerConnection.resolve(server: nil, tokenFile: nil, environment: [:], state: state)
        XCTAssertEqual(fallback.port, ServerConnection.defaultPort)
        XCTAssertEqual(fallback.tokenFile, state.tokenFile)
    }

    func testTokenFileIsCreatedPrivateAndReused() throws {
        let file = directory.appendingPathComponent("sub/token")
        let token = try AccessToken.loadOrCreate(at: file)
        XCTAssertEqual(token.value.count, 64)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try AccessToken.loadOrCreate(at: file), token)
        XCTAssertTrue(token.matches(token.value))
        XCTAssertFalse(token.matches(String(token.value.dropLast())))
        XCTAssertFalse(token.matches(token.value + "0"))
        XCTAssertFalse(token.matches(""))
    }

    func testUnreadableTokenSaysWhatToDo() {
        XCTAssertThrowsError(try AccessToken.read(from: directory.appendingPathComponent("missing"))) {
            XCTAssertTrue("\($0)".contains("porthole serve"), "\($0)")
        }
    }

    func testServerErrorsMapToPlatformErrors() {
        let body = Array(#"{"Code":"InstanceReleased","Message":"instance c-1 was released at 10:00:00","RequestId":"x"}"#.utf8)
        XCTAssertEqual(PortholeServerBackend.error(status: 410, body: body),
                       .gone(code: "InstanceReleased", message: "instance c-1 was released at 10:00:00"))
        XCTAssertEqual(PortholeServerBackend.error(status: 404, body: Array(#"{"Code":"InstanceNotFound","Message":"m"}"#.utf8)),
                       .notFound(code: "InstanceNotFound", message: "m"))
        guard case .unauthorized = PortholeServerBackend.error(status: 401, body: []) else { return XCTFail() }
        // Function Compute writes ErrorMessage; a non-JSON body is kept as text.
        XCTAssertEqual(PortholeServerBackend.error(status: 500, body: Array(#"{"ErrorMessage":"boom"}"#.utf8)),
                       .api(status: 500, code: "HTTP500", message: "boom"))
        XCTAssertEqual(PortholeServerBackend.error(status: 502, body: Array("bad gateway".utf8)),
                       .api(status: 502, code: "HTTP502", message: "bad gateway"))
    }

    func testUnreachableServerMessageSaysHowToStartOne() async {
        let backend = PortholeServerBackend(host: "127.0.0.1", port: 1, token: AccessToken(value: "t"))
        do {
            _ = try await backend.listFunctions()
            XCTFail("port 1 answered")
        } catch {
            let text = "\(error)"
            XCTAssertTrue(text.contains("cannot reach a porthole server at http://127.0.0.1:1"), text)
            XCTAssertTrue(text.contains("porthole serve"), text)
        }
    }
}
