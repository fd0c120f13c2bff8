import Foundation

/// Function Compute's official Python SDKs (`alibabacloud-fc20230330`,
/// `aliyun-fc2`) in a virtualenv the tests create from PyPI and keep under
/// $TMPDIR, keyed by the pinned versions, so later runs reuse it.
enum OfficialSDK {
    static let packages = ["alibabacloud-fc20230330==4.8.3", "aliyun-fc2==2.5.2"]
    static let lock = NSLock()

    static var environmentDirectory: URL {
        let key = packages.joined(separator: "_").replacingOccurrences(of: "==", with: "-")
        return FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fc-sdk-venv-\(key)")
    }

    /// The venv's python, creating the venv first if needed. Throws with the
    /// pip output when PyPI cannot be reached.
    static func python() throws -> URL {
        lock.lock()
        defer { lock.unlock() }
        let python = environmentDirectory.appendingPathComponent("bin/python")
        if FileManager.default.isExecutableFile(atPath: python.path),
           (try? run([python.path, "-c", "import fc2, alibabacloud_fc20230330"], timeout: 60).status) == 0
        {
            return python
        }
        // Built beside, then moved in place: a half-built venv is never reused.
        let building = environmentDirectory.deletingLastPathComponent()
            .appendingPathComponent(environmentDirectory.lastPathComponent + ".building-\(getpid())")
        try? FileManager.default.removeItem(at: building)
        let venv = try run(["/usr/bin/env", "python3", "-m", "venv", building.path], timeout: 120)
        guard venv.status == 0 else {
            throw ServeFixture.Failure("cannot create a virtualenv (`python3 -m venv`; on Debian: apt-get install python3-venv): \(venv.output)")
        }
        let pip = try run(
            [building.appendingPathComponent("bin/pip").path, "install", "--disable-pip-version-check", "-q"] + packages,
            timeout: 900)
        guard pip.status == 0 else {
            try? FileManager.default.removeItem(at: building)
            throw ServeFixture.Failure(
                "cannot install Function Compute's official SDKs from PyPI (\(packages.joined(separator: " "))); these tests need PyPI. pip said: \(pip.output.suffix(1500))")
        }
        try? FileManager.default.removeItem(at: environmentDirectory)
        try FileManager.default.moveItem(at: building, to: environmentDirectory)
        // The venv's scripts name the build path; python itself resolves its own prefix.
        return python
    }

    /// Runs `script` (Python source) with the SDKs; returns its stdout parsed as a JSON object.
    static func runScript(_ script: String, arguments: [String], timeout: TimeInterval = 120) throws -> [String: Any] {
        let python = try python()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fc-sdk-\(UUID().uuidString.prefix(8)).py")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try run([python.path, file.path] + arguments, timeout: timeout, separateStderr: true)
        guard result.status == 0,
              let object = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        else {
            throw ServeFixture.Failure("the SDK script failed (status \(result.status)): \(result.output)\n\(result.errors)")
        }
        return object
    }

    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs argv with a deadline; the process is killed by pid when it passes.
    static func run(_ argv: [String], timeout: TimeInterval, separateStderr: Bool = false, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        if let environment { process.environment = environment }
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fc-out-\(UUID().uuidString.prefix(8))")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fc-err-\(UUID().uuidString.prefix(8))")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = separateStderr ? errHandle : outHandle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? outHandle.close()
            try? errHandle.close()
            throw ServeFixture.Failure("\(argv.prefix(3).joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        try? outHandle.close()
        try? errHandle.close()
        return Result(
            status: process.terminationStatus,
            output: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
