import Foundation
import NIOCore
import TestSupport
import XCTest

@testable import ExecCore

/// The seed for a fuzz run: `PORTHOLE_FUZZ_SEED` to replay one, else a fresh one.
func fuzzSeed() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["PORTHOLE_FUZZ_SEED"], let seed = UInt64(text) { return seed }
    return UInt64.random(in: 1...UInt64.max)
}

/// Random messages into the exec frame decoder for a bounded time, every
/// dialect and side: it must answer each with a frame or an `ExecFrameError`,
/// never crash; and what the encoder writes must decode to what was encoded.
final class FrameCodecFuzzTests: XCTestCase {
    let budget: TimeInterval = 1.5

    func testRandomMessagesDecodeOrFailCleanly() {
        let seed = fuzzSeed()
        var random = SeededGenerator(seed: seed)
        let codecs = ExecDialect.allCases.flatMap { [FrameCodec(dialect: $0, side: .server), FrameCodec(dialect: $0, side: .client)] }
        let deadline = Date().addingTimeInterval(budget)
        var count = 0
        while Date() < deadline {
            let message = Self.message(&random)
            for codec in codecs {
                do {
                    _ = try codec.decode(binary: message)
                    _ = try codec.decode(binary: ByteBuffer(bytes: message))
                } catch is ExecFrameError {
                } catch {
                    return XCTFail("seed \(seed): \(codec.dialect) \(codec.side) threw \(error) for \(message.prefix(64)); replay with PORTHOLE_FUZZ_SEED=\(seed)")
                }
                if let text = String(bytes: message, encoding: .utf8) {
                    do { _ = try codec.decode(text: text) } catch is ExecFrameError {} catch {
                        return XCTFail("seed \(seed): text decode threw \(error); replay with PORTHOLE_FUZZ_SEED=\(seed)")
                    }
                }
            }
            count += 1
        }
        XCTAssertGreaterThan(count, 100, "seed \(seed)")
    }

    func testEncodedFramesDecodeToThemselves() {
        let seed = fuzzSeed()
        var random = SeededGenerator(seed: seed)
        let deadline = Date().addingTimeInterval(budget / 3)
        while Date() < deadline {
            for dialect in [ExecDialect.v5, .v4] {
                let client = FrameCodec(dialect: dialect, side: .client)
                let server = FrameCodec(dialect: dialect, side: .server)
                let bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                let size = TerminalSize(cols: Int.random(in: 1...10_000, using: &random), rows: Int.random(in: 1...10_000, using: &random))
                let code = Int32.random(in: 0...255, using: &random)
                let toServer: [ExecFrame] = [.stdin(bytes), .resize(size)] + (dialect == .v5 ? [.closeStdin] : [])
                let toClient: [ExecFrame] = [.stdout(bytes), .stderr(bytes), .status(.exited(code))]
                for frame in toServer {
                    var buffer = ByteBuffer()
                    client.encode(frame, into: &buffer)
                    XCTAssertEqual(Array(buffer.readableBytesView), client.encode(frame), "seed \(seed)")
                    XCTAssertEqual(try? server.decode(binary: buffer), frame, "seed \(seed): \(frame); replay with PORTHOLE_FUZZ_SEED=\(seed)")
                }
                for frame in toClient {
                    XCTAssertEqual(try? client.decode(binary: ByteBuffer(bytes: server.encode(frame))), frame,
                                   "seed \(seed): \(frame); replay with PORTHOLE_FUZZ_SEED=\(seed)")
                }
            }
        }
    }

    /// Mostly near-valid messages (a real channel byte, JSON-ish payloads), some pure noise.
    static func message(_ random: inout SeededGenerator) -> [UInt8] {
        let channels: [UInt8] = [0, 1, 2, 3, 4, 255, 5, 254]
        var message: [UInt8] = []
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            return (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 1:
            message = [channels.randomElement(using: &random)!]
            let pieces = ["{", "}", "\"Width\"", "\"height\"", ":", ",", "1", "-1", "1e9", "null", "[", "]", "\"x\"", "\n", "10001", "0", "1e400", "-9e18", "9223372036854775808"]
            for _ in 0..<Int.random(in: 0...12, using: &random) { message += Array(pieces.randomElement(using: &random)!.utf8) }
        case 2:
            message = [3]
            let pieces = ["{", "}", "\"status\"", "\"Success\"", "\"Failure\"", "\"details\"", "\"causes\"", ":", ",", "[", "]", "\"ExitCode\"", "\"reason\"", "\"message\"", "\"7\""]
            for _ in 0..<Int.random(in: 0...16, using: &random) { message += Array(pieces.randomElement(using: &random)!.utf8) }
        default:
            message = [channels.randomElement(using: &random)!]
            message += (0..<Int.random(in: 0...4, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        return message
    }
}
