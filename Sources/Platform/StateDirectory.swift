import Foundation

/// Where porthole keeps its state: the token, the address of the running server,
/// the audit log and instance logs. `$PORTHOLE_STATE_DIR`, else
/// `$XDG_STATE_HOME/porthole`, else `~/.local/state/porthole`.
public struct StateDirectory: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> StateDirectory {
        if let explicit = environment["PORTHOLE_STATE_DIR"], !explicit.isEmpty {
            return StateDirectory(url: URL(fileURLWithPath: explicit))
        }
        let base: URL
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = URL(fileURLWithPath: home).appendingPathComponent(".local/state")
        }
        return StateDirectory(url: base.appendingPathComponent("porthole"))
    }

    public var tokenFile: URL { url.appendingPathComponent("token") }
    /// Written by `porthole serve` so clients find it without flags.
    public var serverRecordFile: URL { url.appendingPathComponent("server.json") }
    public var auditLog: URL { url.appendingPathComponent("audit.log") }
    public var logsDirectory: URL { url.appendingPathComponent("logs") }
    /// Where the console records panes (asciicast v2 files).
    public var recordingsDirectory: URL { url.appendingPathComponent("recordings") }

    /// Creates the directory (mode 0700) if needed.
    public func create() throws {
        try FileManager.default.createDirectory(
            at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}

/// What `porthole serve` records about itself in the state directory.
public struct ServerRecord: Codable, Sendable, Equatable {
    public var url: String
    public var tokenFile: String
    public var pid: Int32

    public init(url: String, tokenFile: String, pid: Int32) {
        self.url = url
        self.tokenFile = tokenFile
        self.pid = pid
    }
}
