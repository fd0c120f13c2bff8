import Foundation
import NIOCore

/// Encodes and decodes exec messages for one dialect and one side of the
/// connection. The server decodes what clients send (stdin, resize, close);
/// the client decodes what servers send (stdout, stderr, status).
public struct FrameCodec: Sendable {
    public enum Side: Sendable { case server, client }

    public let dialect: ExecDialect
    public let side: Side

    public init(dialect: ExecDialect, side: Side) {
        self.dialect = dialect
        self.side = side
    }

    // MARK: Encoding

    /// The binary payload for `frame` in this dialect.
    public func encode(_ frame: ExecFrame) -> [UInt8] {
        switch frame {
        case .stdin(let data):
            // FC clients send raw binary stdin; the k8s dialects prefix channel 0.
            return dialect == .functionCompute ? data : [ExecChannel.stdin.rawValue] + data
        case .stdout(let data): return [ExecChannel.stdout.rawValue] + data
        case .stderr(let data): return [ExecChannel.stderr.rawValue] + data
        case .status(let status):
            if dialect == .functionCompute {
                // FC has no status; a failure is reported as error text, success as nothing.
                return [ExecChannel.status.rawValue] + Array((status.message ?? status.status).utf8)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = (try? encoder.encode(status)) ?? Data("{\"metadata\":{},\"status\":\"Failure\"}".utf8)
            return [ExecChannel.status.rawValue] + Array(json)
        case .serverError(let text): return [ExecChannel.status.rawValue] + Array(text.utf8)
        case .resize(let size):
            return [ExecChannel.resize.rawValue] + Array("{\"Width\":\(size.cols),\"Height\":\(size.rows)}".utf8)
        case .closeStdin: return [ExecChannel.close.rawValue, 0]
        }
    }

    /// Writes the payload for `frame` into `buffer`: the one copy a frame costs.
    public func encode(_ frame: ExecFrame, into buffer: inout ByteBuffer) {
        switch frame {
        case .stdin(let data):
            if dialect != .functionCompute { buffer.writeInteger(ExecChannel.stdin.rawValue) }
            buffer.writeBytes(data)
        case .stdout(let data):
            buffer.writeInteger(ExecChannel.stdout.rawValue)
            buffer.writeBytes(data)
        case .stderr(let data):
            buffer.writeInteger(ExecChannel.stderr.rawValue)
            buffer.writeBytes(data)
        default:
            buffer.writeBytes(encode(frame))
        }
    }

    /// The payload of an output message (stdout or stderr) built from bytes
    /// already in a buffer, as the server reads them from a process.
    public func encodeOutput(_ payload: ByteBuffer, on channel: ExecChannel, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: payload.readableBytes + 1)
        buffer.writeInteger(channel.rawValue)
        buffer.writeImmutableBuffer(payload)
        return buffer
    }

    // MARK: Decoding

    /// Decodes one binary message.
    public func decode(binary message: [UInt8]) throws -> ExecFrame {
        if side == .server && dialect == .functionCompute {
            // FC's Node SDK sends stdin as raw binary with no channel byte.
            return .stdin(message)
        }
        guard let first = message.first else { throw ExecFrameError.emptyMessage }
        guard let channel = ExecChannel(rawValue: first) else { throw ExecFrameError.unknownChannel(first) }
        let payload = Array(message.dropFirst())
        switch (side, channel) {
        case (.server, .stdin): return .stdin(payload)
        case (.server, .resize): return .resize(try Self.decodeResize(payload))
        case (.server, .close):
            guard dialect == .v5 else { throw ExecFrameError.unexpectedChannel(channel, dialect) }
            guard message.count == 2, payload[0] == ExecChannel.stdin.rawValue else {
                throw ExecFrameError.badCloseFrame(length: message.count)
            }
            return .closeStdin
        case (.client, .stdout): return .stdout(payload)
        case (.client, .stderr): return .stderr(payload)
        case (.client, .status):
            if dialect == .functionCompute { return .serverError(String(decoding: payload, as: UTF8.self)) }
            do {
                return .status(try JSONDecoder().decode(ExecStatus.self, from: Data(payload)))
            } catch {
                throw ExecFrameError.badStatus("not a Status object (\(payload.count) bytes)")
            }
        default:
            throw ExecFrameError.unexpectedChannel(channel, dialect)
        }
    }

    /// Decodes one binary message held in a buffer, copying its payload once.
    public func decode(binary message: ByteBuffer) throws -> ExecFrame {
        let view = message.readableBytesView
        if let first = view.first, !(side == .server && dialect == .functionCompute) {
            switch (side, ExecChannel(rawValue: first)) {
            case (.client, .stdout?): return .stdout(Array(view.dropFirst()))
            case (.client, .stderr?): return .stderr(Array(view.dropFirst()))
            case (.server, .stdin?): return .stdin(Array(view.dropFirst()))
            default: break
            }
        }
        return try decode(binary: Array(view))
    }

    /// Decodes one text message. Only FC's Go/Python SDKs send text: `"\0" + stdin`.
    public func decode(text: String) throws -> ExecFrame {
        let bytes = Array(text.utf8)
        guard side == .server, dialect == .functionCompute else { throw ExecFrameError.unexpectedText }
        guard let first = bytes.first else { throw ExecFrameError.emptyMessage }
        guard first == 0 else { throw ExecFrameError.unknownChannel(first) }
        return .stdin(Array(bytes.dropFirst()))
    }

    /// Resize JSON: `{"Width":W,"Height":H}`, keys case-insensitive, trailing newline allowed.
    static func decodeResize(_ payload: [UInt8]) throws -> TerminalSize {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(payload))
        } catch {
            throw ExecFrameError.badResize("not JSON")
        }
        guard let dict = object as? [String: Any] else { throw ExecFrameError.badResize("not a JSON object") }
        var width: Int?
        var height: Int?
        for (key, value) in dict {
            guard let number = value as? NSNumber else { continue }
            switch key.lowercased() {
            case "width": width = number.intValue
            case "height": height = number.intValue
            default: break
            }
        }
        guard let cols = width, let rows = height else { throw ExecFrameError.badResize("Width or Height missing") }
        guard (1...10_000).contains(cols), (1...10_000).contains(rows) else {
            throw ExecFrameError.badResize("size \(cols)x\(rows) out of range 1...10000")
        }
        return TerminalSize(cols: cols, rows: rows)
    }

    /// A resize message with a zero width or height (what kubectl sends for a
    /// terminal that has no size): to be skipped, as the kubelet skips it.
    public static func isEmptyResize(_ message: [UInt8]) -> Bool {
        guard message.first == ExecChannel.resize.rawValue,
            let object = try? JSONSerialization.jsonObject(with: Data(message.dropFirst())) as? [String: Any]
        else { return false }
        let sizes = object.compactMap { key, value -> Int? in
            ["width", "height"].contains(key.lowercased()) ? (value as? NSNumber)?.intValue : nil
        }
        return sizes.count == 2 && sizes.contains(0)
    }
}
