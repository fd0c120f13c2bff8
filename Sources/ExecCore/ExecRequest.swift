/// What to run where: the path and query of an exec WebSocket (docs/PROTOCOL.md §1).
public struct ExecRequest: Sendable, Equatable {
    public var functionName: String
    public var instanceId: String
    /// argv, one element per `command=` parameter; never a shell string.
    public var command: [String]
    public var stdin: Bool
    public var stdout: Bool
    public var stderr: Bool
    public var tty: Bool
    /// Seconds without data before the server ends the session; nil or 0 = none.
    public var idleTimeout: Int?
    /// With a tty, the size the command starts at. Not part of the URL: the
    /// client sends it as the first resize message, which porthole's server
    /// waits for briefly before starting a tty command.
    public var terminalSize: TerminalSize?
    /// The file the client records this session into, if it does; the server
    /// names it in the audit log (`recording=` in the query).
    public var recording: String?
    /// The container to run in, for instances that have several (a Kubernetes
    /// pod); nil for the default one. Sent as `container=`, as kubectl does.
    public var container: String?

    public init(
        functionName: String, instanceId: String, command: [String],
        stdin: Bool = true, stdout: Bool = true, stderr: Bool = true, tty: Bool = false,
        idleTimeout: Int? = nil, terminalSize: TerminalSize? = nil, recording: String? = nil
    ) {
        self.functionName = functionName
        self.instanceId = instanceId
        self.command = command
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.tty = tty
        self.idleTimeout = idleTimeout
        self.terminalSize = terminalSize
        self.recording = recording
    }

    /// The command for "log into the instance": bash as a login shell if the
    /// instance has it, else sh, as kubectl users type by hand.
    public static let loginShell = ["/bin/sh", "-c", loginShellScript]

    /// The `sh -c` script of `loginShell`, for callers that put something before it
    /// (the console sets TERM first).
    public static let loginShellScript = "if command -v bash >/dev/null 2>&1; then exec bash -l; fi; exec sh -l"

    /// `/2023-03-30/functions/{fn}/instances/{id}/exec?command=…&…`
    public var pathAndQuery: String {
        var items: [(String, String)] = command.map { ("command", $0) }
        items.append(("stdin", String(stdin)))
        items.append(("stdout", String(stdout)))
        items.append(("stderr", String(stderr)))
        items.append(("tty", String(tty)))
        if let idle = idleTimeout, idle > 0 { items.append(("idleTimeout", String(idle))) }
        if let recording { items.append(("recording", recording)) }
        if let container { items.append(("container", container)) }
        let query = items.map { "\($0.0)=\(Self.percentEncode($0.1))" }.joined(separator: "&")
        return "/2023-03-30/functions/\(Self.percentEncode(functionName))/instances/\(Self.percentEncode(instanceId))/exec?\(query)"
    }

    /// Parses the query part of an exec URL (the path parts are given).
    /// Throws a message a client can act on for a bad query.
    public static func parse(functionName: String, instanceId: String, query: String) throws -> ExecRequest {
        var command: [String] = []
        var flags: [String: Bool] = [:]
        var idleTimeout: Int?
        var recording: String?
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(parts[0]))
            let value = parts.count > 1 ? percentDecode(String(parts[1])) : ""
            switch key {
            case "command": command.append(value)
            case "stdin", "stdout", "stderr", "tty":
                switch value.lowercased() {
                case "true", "1", "": flags[key] = true
                case "false", "0": flags[key] = false
                default: throw ExecRequestError("query parameter \(key)=\(value) must be true or false")
                }
            case "idleTimeout":
                guard let seconds = Int(value), seconds >= 0 else {
                    throw ExecRequestError("idleTimeout=\(value) must be a whole number of seconds")
                }
                idleTimeout = seconds
            case "recording": recording = value.isEmpty ? nil : value
            default: continue  // FC sends qualifier and others; ignore unknown keys
            }
        }
        guard !command.isEmpty else {
            throw ExecRequestError("no command: give the argv as command=ARG0&command=ARG1…")
        }
        let request = ExecRequest(
            functionName: functionName, instanceId: instanceId, command: command,
            stdin: flags["stdin"] ?? false, stdout: flags["stdout"] ?? false,
            stderr: flags["stderr"] ?? false, tty: flags["tty"] ?? false,
            idleTimeout: idleTimeout, recording: recording)
        guard request.stdin || request.stdout || request.stderr else {
            throw ExecRequestError("none of stdin, stdout, stderr is true: at least one stream is required")
        }
        return request
    }

    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    public static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    public static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A bad exec query, with what to send instead.
public struct ExecRequestError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
