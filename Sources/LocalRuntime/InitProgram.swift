import Foundation

/// Where the porthole-init executable is: next to the running executable (the
/// `porthole` binary, or the test bundle, which on Linux is itself an executable
/// in the same build directory), else on `PATH`.
enum InitProgram {
    static let name = "porthole-init"

    static let path: String? = {
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        }
        return Isolation.executablePath(name)
    }()

    /// The path, or an error that says where it was looked for and what to do.
    static func require() throws -> String {
        guard let path else { throw SpawnError.initMissing }
        return path
    }
}
