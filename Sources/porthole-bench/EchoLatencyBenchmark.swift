import CShims
import ExecCore
import Foundation
import LocalRuntime
import NIOConcurrencyHelpers
import Platform

/// Issue 2's second figure: one keystroke sent into a tty exec session until its
/// echo comes back, against the same round trip on a local pty. The pty's own
/// echo answers in both, so the difference is porthole's path.
enum EchoLatencyBenchmark {
    struct Result {
        var ptyMs: [Double]
        var portholeMs: [Double]
    }

    static func run(embedded: EmbeddedPlatform, instance: Instance, roundTrips: Int) async throws -> Result {
        Result(ptyMs: localRoundTrips(roundTrips), portholeMs: try await sessionRoundTrips(embedded: embedded, instance: instance, count: roundTrips))
    }

    static func localRoundTrips(_ count: Int) -> [Double] {
        var master: Int32 = -1
        let pid = LocalPTY.spawn(["cat"], master: &master)
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(master)
        }
        var samples: [Double] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var pollfd = Glibc.pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        usleep(100_000)
        for index in 0..<count {
            var key = UInt8(ascii: "a") + UInt8(index % 26)
            let start = now()
            _ = write(master, &key, 1)
            // Wait for the echoed byte.
            var seen = false
            while !seen {
                _ = poll(&pollfd, 1, 1000)
                let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n > 0 && buffer[0..<n].contains(key) { seen = true }
            }
            samples.append((now() - start) * 1000)
        }
        return samples
    }

    static func sessionRoundTrips(embedded: EmbeddedPlatform, instance: Instance, count: Int) async throws -> [Double] {
        let echo = EchoWaiter()
        let session = try await embedded.backend().openExec(
            ExecRequest(functionName: instance.functionName, instanceId: instance.instanceId, command: ["cat"], tty: true,
                         terminalSize: TerminalSize(cols: 80, rows: 24)),
            handlers: ExecCallbacks(onStdout: { echo.received($0) }))
        defer { session.cancel() }
        try await Task.sleep(nanoseconds: 200_000_000)
        var samples: [Double] = []
        for index in 0..<count {
            let key = UInt8(ascii: "a") + UInt8(index % 26)
            let start = now()
            await echo.expect(key) { session.send([key]) }
            samples.append((now() - start) * 1000)
        }
        return samples
    }
}

/// Resumes a waiter when a given byte arrives on the session's output.
///
/// `@unchecked Sendable`: `wanted` and `continuation`, its only mutable state,
/// are read and written only while `lock` is held.
final class EchoWaiter: @unchecked Sendable {
    private let lock = NSLock()
    private var wanted: UInt8?
    private var continuation: CheckedContinuation<Void, Never>?

    func expect(_ byte: UInt8, send: () -> Void) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            wanted = byte
            continuation = c
            lock.unlock()
            send()
        }
    }

    func received(_ bytes: [UInt8]) {
        lock.lock()
        guard let wanted, bytes.contains(wanted), let c = continuation else {
            lock.unlock()
            return
        }
        self.wanted = nil
        continuation = nil
        lock.unlock()
        c.resume()
    }
}
