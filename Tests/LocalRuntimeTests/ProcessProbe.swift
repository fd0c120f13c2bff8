import Foundation

/// What the tests need to know about real processes, read from /proc.
enum ProcessProbe {
    /// Every process whose ancestry includes `root` (not `root` itself).
    static func descendants(of root: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name), let parent = parent(of: pid) else { continue }
            children[parent, default: []].append(pid)
        }
        var result: [Int32] = []
        var stack = children[root] ?? []
        while let pid = stack.popLast() {
            result.append(pid)
            stack += children[pid] ?? []
        }
        return result
    }

    /// The argv of `pid` ([] once it is gone).
    static func commandLine(of pid: Int32) -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// How many of `pids` run `argv` (compared from its start; the program by its
    /// file name, as a launcher such as pyenv's may re-exec it by full path).
    static func count(_ pids: [Int32], running argv: [String]) -> Int {
        pids.filter { pid in
            var actual = Array(commandLine(of: pid).prefix(argv.count))
            if let program = actual.first { actual[0] = URL(fileURLWithPath: program).lastPathComponent }
            return actual == argv
        }.count
    }

    static func parent(of pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// True while `pid` exists and is not a zombie waiting to be reaped.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return false }
        return !text[text.index(after: close)...].hasPrefix(" Z")
    }

    /// A built executable of this package (porthole, porthole-init): they sit next
    /// to the test bundle in the build directory.
    static func builtExecutable(_ name: String) throws -> String {
        let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ProbeError("\(path) is missing: build the package (`swift build`) before the tests")
        }
        return path
    }

    /// A TCP port on 127.0.0.1 nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw ProbeError("no free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct ProbeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
