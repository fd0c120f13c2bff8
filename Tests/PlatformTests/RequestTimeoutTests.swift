import Foundation
import XCTest

@testable import Platform

/// A server that accepts and never answers (frozen, or a port held by a stray
/// process) must cost a REST caller seconds, not the old 90.
final class RequestTimeoutTests: XCTestCase {
    func testRESTCallToASilentServerFailsWithinItsTimeout() async throws {
        // A listening socket nobody accepts on: the kernel completes the
        // handshake, and the request waits forever for an answer.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        XCTAssertTrue(ok)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let backend = PortholeServerBackend(host: "127.0.0.1", port: port, token: AccessToken(value: "t"), requestTimeout: .seconds(2))
        let started = Date()
        do {
            _ = try await backend.listInstances(function: nil)
            XCTFail("a silent server answered")
        } catch let error as PlatformError {
            guard case .unreachable(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("no answer within 2 s"), reason)
        }
        let took = Date().timeIntervalSince(started)
        XCTAssertLessThan(took, 6, "took \(took) s")
    }

    func testDefaultRESTTimeoutIsSeconds() {
        let backend = PortholeServerBackend(host: "127.0.0.1", port: 1, token: nil)
        XCTAssertLessThanOrEqual(backend.requestTimeout, .seconds(10))
    }
}
