import Foundation
import XCTest

@testable import Platform

/// The token file is a key to every instance: like ssh with a private key,
/// refuse one that others may read, and say how to fix it.
final class AccessTokenTests: XCTestCase {
    var directory: URL!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ mode: Int) throws -> URL {
        let file = directory.appendingPathComponent("token-\(String(mode, radix: 8))")
        try "secret-value\n".write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, mode_t(mode))
        return file
    }

    func testPrivateTokenFileIsRead() throws {
        XCTAssertEqual(try AccessToken.read(from: write(0o600)).value, "secret-value")
        XCTAssertEqual(try AccessToken.read(from: write(0o400)).value, "secret-value")
    }

    func testGroupOrWorldAccessibleTokenFileIsRefusedWithTheFix() throws {
        for mode in [0o644, 0o640, 0o604, 0o660, 0o666] {
            let file = try write(mode)
            XCTAssertThrowsError(try AccessToken.read(from: file), "mode \(String(mode, radix: 8))") { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("chmod 600 \(file.path)"), text)
                XCTAssertTrue(text.contains(String(mode, radix: 8)), text)
                XCTAssertFalse(text.contains("secret-value"), text)
            }
            // The server loads its token through the same check.
            XCTAssertThrowsError(try AccessToken.loadOrCreate(at: file))
        }
    }

    func testCreatedTokenFileIsPrivate() throws {
        let file = directory.appendingPathComponent("new/token")
        let token = try AccessToken.loadOrCreate(at: file)
        XCTAssertEqual(try AccessToken.read(from: file), token)
        let mode = (try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o600)
    }
}
