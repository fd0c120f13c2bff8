import AsyncHTTPClient
import Foundation
import XCTest

@testable import Platform

/// A server that accepts and never answers (frozen, or a port held by a stray
/// process) must cost a REST caller seconds, not the old 90.
final class RequestTimeoutTests: XCTestCase {
    func testRESTCallToASilentServerFailsWithinItsTimeout() async throws {
        // A listening socket nobody accepts on: the kernel completes the
        // handshake, and the request waits forever for an answer.
        let (fd, port) = try silentListener()
        defer { close(fd) }
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

    /// Every connection of the client held (by followed logs, here by a request
    /// a silent server never answers): the next request says so, and does not
    /// tell the user to start a server that is running.
    func testAllConnectionsHeldIsNotAMissingServer() async throws {
        let (fd, port) = try silentListener()
        defer { close(fd) }
        // As the shared client, with one connection instead of 64: waiting for one past the connect timeout fails.
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(1))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let holder = PortholeServerBackend(host: "127.0.0.1", port: port, token: nil, requestTimeout: .seconds(20), client: client)
        let backend = PortholeServerBackend(host: "127.0.0.1", port: port, token: nil, requestTimeout: .seconds(5), client: client)
        let held = Task { _ = try? await holder.listFunctions() }
        try await Task.sleep(for: .milliseconds(300))
        do {
            _ = try await backend.listFunctions()
            XCTFail("a request got a connection the client does not have")
        } catch let error as PlatformError {
            let text = error.description
            XCTAssertTrue(text.contains("came free in time"), text)
            XCTAssertFalse(text.contains("start one with `porthole serve`"), text)
        }
        held.cancel()
        _ = await held.result
        try await client.shutdown()
    }

    /// A listening socket nobody accepts on, and its port.
    private func silentListener() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, ok else { throw POSIXError(.EADDRNOTAVAIL) }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    func testDefaultRESTTimeoutIsSeconds() {
        let backend = PortholeServerBackend(host: "127.0.0.1", port: 1, token: nil)
        XCTAssertLessThanOrEqual(backend.requestTimeout, .seconds(10))
    }
}
