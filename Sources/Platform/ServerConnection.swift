import Foundation

/// How a client finds a `porthole serve`: `--server`/`--token-file`, else
/// `PORTHOLE_SERVER`/`PORTHOLE_TOKEN_FILE`, else what the server recorded in
/// the state directory, else the default address.
public struct ServerConnection: Sendable, Equatable {
    public static let defaultPort = 7878

    public var host: String
    public var port: Int
    public var tokenFile: URL

    public init(host: String, port: Int, tokenFile: URL) {
        self.host = host
        self.port = port
        self.tokenFile = tokenFile
    }

    public var url: String { "http://\(host):\(port)" }

    public static func resolve(
        server: String?, tokenFile: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        state: StateDirectory? = nil
    ) throws -> ServerConnection {
        let state = state ?? .standard(environment: environment)
        let record = (try? Data(contentsOf: state.serverRecordFile)).flatMap { try? JSONDecoder().decode(ServerRecord.self, from: $0) }
        let address = server ?? environment["PORTHOLE_SERVER"] ?? record?.url ?? "http://127.0.0.1:\(defaultPort)"
        let (host, port) = try parse(address)
        let tokenPath = tokenFile ?? environment["PORTHOLE_TOKEN_FILE"] ?? record?.tokenFile ?? state.tokenFile.path
        return ServerConnection(host: host, port: port, tokenFile: URL(fileURLWithPath: tokenPath))
    }

    /// Accepts `http://HOST:PORT`, `HOST:PORT` or `:PORT`.
    public static func parse(_ address: String) throws -> (String, Int) {
        var rest = Substring(address)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) }
        if rest.hasPrefix("https://") {
            throw PlatformError.configuration("\(address): https is not supported for the local platform; use http:// on loopback")
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else {
            throw PlatformError.configuration("\(address) is not a server address; expected http://HOST:PORT")
        }
        var host = String(rest[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
