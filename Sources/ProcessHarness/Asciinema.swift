import Foundation

/// The real asciinema (the PyPI package), installed once into a virtualenv under
/// .build/ and reused, to prove porthole's recordings play in the tool everyone
/// has. Shared by the CLI's and the console's recording tests.
public enum Asciinema {
    public static let version = "2.4.0"
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let virtualenv = packageRoot.appendingPathComponent(".build/asciinema-\(version)-venv")
    public static var executable: URL { virtualenv.appendingPathComponent("bin/asciinema") }

    private static let lock = NSLock()

    /// The asciinema executable, installing it first if needed. Throws a message
    /// saying what failed when PyPI cannot be reached.
    public static func installed() throws -> URL {
        try lock.withLock {
            if FileManager.default.isExecutableFile(atPath: executable.path) { return executable }
            let scratch = FileManager.default.temporaryDirectory
            try? FileManager.default.removeItem(at: virtualenv)
            let venv = try ProgramRunner.run(["/usr/bin/env", "python3", "-m", "venv", virtualenv.path], timeout: 120, in: scratch)
            guard venv.status == 0 else {
                throw ProgramRunner.Failure("python3 -m venv failed (apt-get install python3-venv): \(venv.stdoutText)\(venv.stderrText)")
            }
            let pip = try ProgramRunner.run(
                [virtualenv.appendingPathComponent("bin/pip").path, "install", "--disable-pip-version-check", "--quiet",
                 "asciinema==\(version)"], timeout: 300, in: scratch)
            guard pip.status == 0, FileManager.default.isExecutableFile(atPath: executable.path) else {
                try? FileManager.default.removeItem(at: virtualenv)
                throw ProgramRunner.Failure("""
                    could not install asciinema \(version) from PyPI into \(virtualenv.path) (these tests check that \
                    recordings play in asciinema, so they need PyPI reachable): \(pip.stdoutText)\(pip.stderrText)
                    """)
            }
            return executable
        }
    }

    /// asciinema's config directory: it writes an `install-id` there on every
    /// start, which belongs in the virtualenv, not in the user's ~/.config.
    static var configHome: URL { virtualenv.appendingPathComponent("config") }

    /// `asciinema cat FILE`: the recording's output as asciinema prints it.
    public static func cat(_ file: URL) throws -> ProgramRunner.Result {
        try ProgramRunner.run([installed().path, "cat", file.path], environment: ["ASCIINEMA_CONFIG_HOME": configHome.path],
                              timeout: 60, in: file.deletingLastPathComponent())
    }
}
