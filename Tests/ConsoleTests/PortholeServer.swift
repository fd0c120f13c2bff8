import Foundation
import XCTest

/// A `porthole serve` on a loopback port with its own state directory, for the
/// console to talk to while `porthole` itself cannot open the console yet.
final class PortholeServer {
    let process = Process()
    let address: String
    let tokenFile: URL
    let stateDirectory: URL

    let port: Int

    /// Starts a server; `port` nil picks a free one. A token file already in `directory` is reused.
    init(directory: URL, port: Int? = nil) throws {
        self.port = try port ?? Self.freePort()
        stateDirectory = directory.appendingPathComponent("serve-state")
        tokenFile = directory.appendingPathComponent("token")
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        process.executableURL = TmuxConsole.portholeBinary
        process.arguments = ["serve", "--listen", "127.0.0.1:\(self.port)", "--token-file", tokenFile.path]
        var environment = ProcessInfo.processInfo.environment
        environment["PORTHOLE_STATE_DIR"] = stateDirectory.path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // The first line names the bound address: "porthole serve: listening on http://127.0.0.1:PORT, …".
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)
        var found: String?
        while found == nil, Date() < deadline {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            if let range = text.range(of: "listening on http://") {
                let rest = text[range.upperBound...]
                if let end = rest.firstIndex(where: { $0 == "," || $0 == "\n" }) { found = String(rest[..<end]) }
            }
        }
        guard let found else {
            process.terminate()
            throw StartFailure(output: String(decoding: buffer, as: UTF8.self))
        }
        address = found
    }

    /// Runs a porthole CLI command against this server; returns its stdout.
    func cli(_ arguments: [String]) throws -> String {
        try TmuxConsole.run([TmuxConsole.portholeBinary.path] + arguments + ["--server", "http://\(address)", "--token-file", tokenFile.path])
    }

    /// A loopback port nobody listens on (`serve --listen` wants a real port, not 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartFailure(output: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw StartFailure(output: "bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    struct StartFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { "porthole serve did not start: \(output)" }
    }
}
