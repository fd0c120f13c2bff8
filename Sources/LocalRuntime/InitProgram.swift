import Foundation

/// How to start porthole-init: the executable next to the running one (the
/// `porthole` binary, or the test bundle, which on Linux is itself an executable
/// in the same build directory), else on `PATH`, else the running executable
/// itself with `--porthole-init` (every program linking CShims carries the init,
/// so a lone `porthole` binary still works).
enum InitProgram {
    static let name = "porthole-init"

    /// The argv prefix that runs porthole-init; its own arguments follow.
    static let command: [String]? = {
        let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        if let executable {
            let sibling = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: sibling) { return [sibling] }
        }
        if let onPath = Isolation.executablePath(name) { return [onPath] }
        return executable.map { [$0, "--porthole-init"] }
    }()

    /// The command, or an error that says what to do.
    static func require() throws -> [String] {
        guard let command else { throw SpawnError.initMissing }
        return command
    }
}
