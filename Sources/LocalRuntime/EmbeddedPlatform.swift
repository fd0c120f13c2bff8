import Foundation
import Platform

/// A local platform and its API server running inside this process on a
/// loopback port: what the console starts when no context is configured, and
/// what tests and benchmarks run against. Clients reach it through the same
/// HTTP/WebSocket API as a `porthole serve` daemon.
public final class EmbeddedPlatform: Sendable {
    public let platform: LocalPlatform
    public let server: APIServer
    public let host: String
    public let port: Int
    public let token: AccessToken

    private init(platform: LocalPlatform, server: APIServer, host: String, port: Int, token: AccessToken) {
        self.platform = platform
        self.server = server
        self.host = host
        self.port = port
        self.token = token
    }

    /// Starts `specs` (the demo functions by default) with a fresh random token.
    public static func start(specs: [FunctionSpec]? = nil, options: LocalPlatform.Options = .init(), limits: APILimits = APILimits(), host: String = "127.0.0.1", port: Int = 0) async throws -> EmbeddedPlatform {
        let platform = try LocalPlatform(specs: specs ?? DemoFunctions.load(), options: options)
        var generator = SystemRandomNumberGenerator()
        let token = AccessToken(value: (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined())
        let server = APIServer(platform: platform, token: token, limits: limits)
        let bound = try await server.start(host: host, port: port)
        platform.start()
        return EmbeddedPlatform(platform: platform, server: server, host: bound.host, port: bound.port, token: token)
    }

    /// A backend client for this platform.
    public func backend(displayName: String = "local (embedded)") -> PortholeServerBackend {
        PortholeServerBackend(host: host, port: port, token: token, displayName: displayName)
    }

    /// Stops every instance and the server.
    public func shutdown() async {
        platform.shutdown()
        await server.stop()
    }
}
