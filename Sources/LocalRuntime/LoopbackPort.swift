import Foundation

/// The loopback ports instances listen on: the kernel picks a free one, and a
/// connect() tells when an instance has started listening.
enum LoopbackPort {
    /// Asks the kernel for a free loopback port.
    static func free() -> Int {
        withLoopbackSocket(port: 0) { fd, address, length in
            var length = length
            guard bind(fd, address, length) == 0, getsockname(fd, address, &length) == 0 else { return 0 }
            return Int(UInt16(bigEndian: address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }))
        }
    }

    static func canConnect(port: Int) -> Bool {
        withLoopbackSocket(port: port) { fd, address, length in connect(fd, address, length) == 0 }
    }

    /// A TCP socket and a 127.0.0.1:`port` address for `body`; the socket is closed after.
    private static func withLoopbackSocket<T>(port: Int, _ body: (Int32, UnsafeMutablePointer<sockaddr>, socklen_t) -> T) -> T {
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
