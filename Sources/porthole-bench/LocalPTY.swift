import CShims
import Foundation

/// The reference: a command under a pty on this machine, read directly —
/// the ceiling any terminal path here can reach.
enum LocalPTY {
    /// Runs `argv` under a new pty and reads the master until EOF; returns seconds and bytes.
    static func drain(_ argv: [String]) -> (seconds: Double, bytes: Int) {
        var master: Int32 = -1
        let start = now()
        let pid = spawn(argv, master: &master)
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        var pollfd = Glibc.pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n > 0 { total += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EINTR) { _ = poll(&pollfd, 1, 1000); continue }
            break  // EIO: every writer has gone
        }
        let seconds = now() - start
        close(master)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (seconds, total)
    }

    static func spawn(_ argv: [String], master: inout Int32) -> pid_t {
        let args = argv.map { strdup($0) } + [nil]
        defer { args.forEach { free($0) } }
        return args.withUnsafeBufferPointer { porthole_spawn_pty(argv[0], $0.baseAddress, nil, nil, 160, 48, &master) }
    }
}
