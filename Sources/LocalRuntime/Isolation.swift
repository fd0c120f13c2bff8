import Foundation

/// How instances are kept apart on this host.
public enum Isolation: String, Sendable, Codable {
    /// Own pid, mount and uts namespaces; hostname = instance id; `ps` inside
    /// shows only the instance's processes. Needs root or user namespaces.
    case namespaces
    /// A plain process: shares the host's view.
    case process

    /// Namespaces when this host allows them (checked by trying once), else a plain process.
    public static func detect() -> Isolation {
        guard let unshare = executablePath("unshare"), executablePath("nsenter") != nil else { return .process }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: unshare)
        probe.arguments = ["--pid", "--mount", "--uts", "--fork", "--mount-proc", "true"]
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

    /// The argv that starts an instance's runtime command under this isolation.
    func instanceArgv(command: [String], instanceId: String) -> [String] {
        switch self {
        case .process:
            return command
        case .namespaces:
            // --kill-child: if porthole's direct child dies, the namespace's init goes too.
            return ["unshare", "--pid", "--mount", "--uts", "--fork", "--mount-proc", "--kill-child", "--",
                    "/bin/sh", "-c", "hostname \"$0\" && exec \"$@\"", instanceId] + command
        }
    }

    /// The argv that runs `command` inside an instance whose namespace init is `namespacePid`.
    func execArgv(command: [String], namespacePid: Int32?, directory: String) -> [String] {
        guard self == .namespaces, let namespacePid else { return command }
        return ["nsenter", "--target", String(namespacePid), "--pid", "--mount", "--uts", "--wd=\(directory)", "--"] + command
    }

    /// The first child of `unshare --fork`: init of the instance's pid namespace.
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
