import Foundation

/// Runs a command under a real pseudo-terminal, driven by a small Python script
/// (python3's pty support is in every Debian): a starting window size, then
/// steps — wait for output matching a pattern, type text, resize the window
/// (the kernel sends SIGWINCH, as a terminal emulator does) — each bounded.
struct PTYScript {
    enum Step: Encodable {
        /// Waits (bounded) until output since the last match matches this regular expression.
        case expect(String)
        /// Types `text` every `every` seconds until the output matches `pattern` (for what
        /// depends on an asynchronous event, like a resize reaching the remote side).
        case sendUntil(String, pattern: String, every: Double)
        case send(String)
        case resize(cols: Int, rows: Int)

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            switch self {
            case .expect(let pattern): try c.encode(pattern, forKey: .expect)
            case .sendUntil(let text, let pattern, let every):
                try c.encode(text, forKey: .send)
                try c.encode(pattern, forKey: .expect)
                try c.encode(every, forKey: .every)
            case .send(let text): try c.encode(text, forKey: .send)
            case .resize(let cols, let rows): try c.encode([cols, rows], forKey: .resize)
            }
        }

        enum Keys: String, CodingKey { case expect, send, every, resize }
    }

    struct Result {
        var status: Int32
        /// Everything the terminal showed.
        var output: String
    }

    static let driver = #"""
        import base64, fcntl, json, os, re, select, struct, sys, termios, time
        spec = json.load(open(sys.argv[1]))
        cols, rows = spec["size"]
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        pid = os.fork()
        if pid == 0:
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            os.close(master)
            env = dict(os.environ)
            env.pop("NO_COLOR", None)  # swift test may set it for its own output; a user's terminal has none
            env.update(spec["env"])
            os.execve(spec["argv"][0], spec["argv"], env)
        os.close(slave)
        out = bytearray()
        mark = 0
        def pump(timeout):
            r, _, _ = select.select([master], [], [], timeout)
            if not r:
                return True
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            out.extend(data)
            return bool(data)
        def finish(error, status):
            print(json.dumps({"status": status, "error": error, "output": base64.b64encode(bytes(out)).decode()}))
            sys.exit(0)
        timeout = spec["timeout"]
        for step in spec["steps"]:
            if "resize" in step:
                c, r = step["resize"]
                fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", r, c, 0, 0))
                continue
            if "send" in step and "expect" not in step:
                os.write(master, step["send"].encode())
                continue
            pattern = re.compile(step["expect"].encode())
            deadline = time.monotonic() + timeout
            next_send = time.monotonic()
            alive = True
            while True:
                if "send" in step and time.monotonic() >= next_send:
                    os.write(master, step["send"].encode())
                    next_send = time.monotonic() + step["every"]
                match = pattern.search(bytes(out), mark)
                if match:
                    mark = match.end()
                    break
                if not alive or time.monotonic() > deadline:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    finish("no output matching %r within %s s (the child %s)" % (step["expect"], timeout, "ended" if not alive else "was killed"), -1)
                alive = pump(0.1)
        deadline = time.monotonic() + timeout
        while pump(0.2) and time.monotonic() < deadline:
            pass
        for _ in range(int(timeout * 10)):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                finish(None, os.waitstatus_to_exitcode(status))
            time.sleep(0.1)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        finish("the command did not end within %s s of its last step" % timeout, -1)
        """#

    /// Runs `argv` in a `cols`×`rows` pty with TERM and SHELL set as a terminal would.
    static func run(_ argv: [String], cols: Int = 90, rows: Int = 25, steps: [Step], timeout: Double = 30, in directory: URL) throws -> Result {
        struct Spec: Encodable {
            var argv: [String]
            var size: [Int]
            var env: [String: String]
            var steps: [Step]
            var timeout: Double
        }
        let specFile = directory.appendingPathComponent("pty-\(UUID().uuidString.prefix(8)).json")
        let driverFile = directory.appendingPathComponent("pty-driver.py")
        try JSONEncoder().encode(Spec(argv: argv, size: [cols, rows], env: ["TERM": "xterm-256color", "SHELL": "/bin/bash"],
                                      steps: steps, timeout: timeout)).write(to: specFile)
        try driver.write(to: driverFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: specFile) }
        let run = try PortholeCLI.spawn(["/usr/bin/env", "python3", driverFile.path, specFile.path],
                                        timeout: timeout * Double(steps.count + 3), in: directory)
        struct Report: Decodable {
            var status: Int32
            var error: String?
            var output: String
        }
        guard let report = try? JSONDecoder().decode(Report.self, from: Data(run.stdout)) else {
            throw CLIFailure("the pty driver failed (exit \(run.status)): \(run.stdoutText) \(run.stderrText)")
        }
        let output = String(decoding: Data(base64Encoded: report.output) ?? Data(), as: UTF8.self)
        if let error = report.error { throw CLIFailure("\(argv.joined(separator: " ")) under a pty: \(error); the screen showed: \(output)") }
        return Result(status: report.status, output: output)
    }
}
