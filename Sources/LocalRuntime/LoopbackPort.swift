#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Ports on 127.0.0.1: a free one for a new listener (an instance, a test's
/// `porthole serve`), and whether something listens on one yet.
public enum LoopbackPort {
    /// A loopback port nobody listens on now, from the kernel (bind to port 0);
    /// nil when no socket can be made.
    public static func free() -> Int? {
        withSocket(port: 0) { fd, address, length in
            var length = length
            guard bind(fd, address, length) == 0, getsockname(fd, address, &length) == 0 else { return nil }
            return Int(UInt16(bigEndian: address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }))
        }
    }

    /// Whether a TCP connect to 127.0.0.1:`port` succeeds.
    public static func accepts(_ port: Int) -> Bool {
        withSocket(port: port) { fd, address, length in connect(fd, address, length) == 0 }
    }

    /// A TCP socket and a 127.0.0.1:`port` address for `body`; the socket is closed after.
    private static func withSocket<T>(port: Int, _ body: (Int32, UnsafeMutablePointer<sockaddr>, socklen_t) -> T) -> T {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { if fd >= 0 { close(fd) } }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
