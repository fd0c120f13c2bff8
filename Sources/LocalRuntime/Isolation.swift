import Foundation

/// How instances are kept apart on this host.
public enum Isolation: String, Sendable, Codable {
    /// Own pid, mount and uts namespaces; hostname = instance id; `ps` inside
    /// shows only the instance's processes. Needs root (CAP_SYS_ADMIN).
    case namespaces
    /// A plain process: shares the host's view.
    case process

    /// Namespaces when this host allows them (checked by trying once), else a plain process.
    public static func detect() -> Isolation {
        guard let initCommand = InitProgram.command else { return .process }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: initCommand[0])
        probe.arguments = Array(initCommand.dropFirst()) + ["--namespaces", "probe", "--", "true"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        do {
            try probe.run()
            probe.waitUntilExit()
            return probe.terminationStatus == 0 ? .namespaces : .process
        } catch {
            return .process
        }
    }

    /// The argv that starts an instance's runtime command under this isolation:
    /// always under porthole-init (signals, reaping, death with the server), which
    /// with namespaces also creates them and runs as pid 1 inside.
    func instanceArgv(command: [String], instanceId: String, initCommand: [String]) -> [String] {
        var argv = initCommand + ["--lifeline", "3"]
        if self == .namespaces { argv += ["--namespaces", instanceId] }
        return argv + ["--"] + command
    }

    /// The argv that runs an exec session's `command` inside an instance whose
    /// namespace init is `namespacePid`: porthole-init joins the namespaces and
    /// starts the command as a session leader there (owning the pty with `tty`).
    func execArgv(command: [String], namespacePid: Int32?, directory: String, tty: Bool, initCommand: [String]) -> [String] {
        var argv = initCommand + ["--lifeline", "3", "--session", "--dir", directory]
        if self == .namespaces, let namespacePid { argv += ["--enter", String(namespacePid)] }
        if tty { argv.append("--tty") }
        return argv + ["--"] + command
    }

    /// The first child of porthole-init: with namespaces, pid 1 of the instance's
    /// pid namespace; without, the function's own process.
    static func namespaceInit(of pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// Finds `name` the way a shell would with `PATH` (or the given directory for a relative path).
    static func executablePath(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"], directory: String? = nil) -> String? {
        if name.contains("/") {
            let full = name.hasPrefix("/") ? name : ((directory ?? FileManager.default.currentDirectoryPath) + "/" + name)
            return FileManager.default.isExecutableFile(atPath: full) ? full : nil
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let full = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: full) { return full }
        }
        return nil
    }
}
