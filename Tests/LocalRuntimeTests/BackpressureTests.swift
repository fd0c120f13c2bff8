import ExecCore
import Foundation
import LocalRuntime
import NIOConcurrencyHelpers
import NIOPosix
import Platform
import XCTest

/// A slow reader must not make the server buffer without bound, and nothing may be dropped.
final class BackpressureTests: XCTestCase {
    func testSlowReaderBoundsServerMemoryAndLosesNothing() async throws {
        let platform = try await TestPlatform.simple()
        let instance = try await platform.waitForRunning("fn")[0]
        // The client gets its own event loop so that stalling it stalls only the client.
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { clientGroup.shutdownGracefully { _ in } }

        let total = 64 << 20
        let slow = NIOLockedValueBox(true)
        let received = NIOLockedValueBox(0)
        let session = try await ExecSession.connect(
            to: ExecEndpoint(host: platform.embedded.host, port: platform.embedded.port, bearerToken: platform.embedded.token.value),
            request: ExecRequest(functionName: "fn", instanceId: instance.instanceId, command: ["head", "-c", String(total), "/dev/zero"], stdin: false),
            handlers: ExecCallbacks(onStdout: { bytes in
                received.withLockedValue { $0 += bytes.count }
                if slow.withLockedValue({ $0 }) { usleep(20_000) }  // a reader that keeps up with almost nothing
            }),
            group: clientGroup)

        let before = Self.residentBytes()
        try await Task.sleep(nanoseconds: 3_000_000_000)
        let during = Self.residentBytes()
        let slowCount = received.withLockedValue { $0 }
        XCTAssertLessThan(slowCount, total / 2, "the reader was meant to be slow")
        XCTAssertNil(session.end, "the producer must be held back, not finished into a buffer")
        XCTAssertLessThan(during - before, 32 << 20, "server memory grew by \((during - before) >> 20) MiB while the reader was slow")

        slow.withLockedValue { $0 = false }
        let end = await session.wait()
        XCTAssertEqual(end, .exited(code: 0))
        XCTAssertEqual(received.withLockedValue { $0 }, total, "every byte arrives")
        await platform.shutdown()
    }

    static func residentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        let kib = Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kib * 1024
    }
}
