import Foundation
import Yams

/// A kubeconfig, or several merged as kubectl merges them: clusters, users
/// (credentials) and contexts by name, and the current context.
///
/// Merge rule (client-go's `LoadingRules`): files are read in order and the
/// first file to define a name (or `current-context`) wins; later files only
/// add names. Relative file paths inside a file are relative to that file.
public struct Kubeconfig: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var server: String
        public var certificateAuthority: String?
        public var certificateAuthorityData: [UInt8]?
        public var insecureSkipTLSVerify = false
        public var tlsServerName: String?
    }

    /// An exec credential plugin (`users[].user.exec`).
    public struct ExecPlugin: Sendable, Equatable {
        public var apiVersion: String
        public var command: String
        public var args: [String] = []
        public var env: [(name: String, value: String)] = []
        public var installHint: String?
        public var provideClusterInfo = false

        public static func == (a: ExecPlugin, b: ExecPlugin) -> Bool {
            a.apiVersion == b.apiVersion && a.command == b.command && a.args == b.args
                && a.env.map(\.name) == b.env.map(\.name) && a.env.map(\.value) == b.env.map(\.value)
                && a.installHint == b.installHint && a.provideClusterInfo == b.provideClusterInfo
        }
    }

    public struct User: Sendable, Equatable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: [UInt8]?
        public var clientKey: String?
        public var clientKeyData: [UInt8]?
        public var exec: ExecPlugin?
    }

    public struct Context: Sendable, Equatable {
        public var cluster: String
        public var user: String
        public var namespace: String?
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    /// The files read, for messages.
    public var files: [String] = []

    public init() {}

    /// The files kubectl would read: `explicit`, else `$KUBECONFIG` (colon
    /// separated, empty parts skipped), else `~/.kube/config`.
    public static func files(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let explicit, !explicit.isEmpty { return [expandHome(explicit, environment: environment)] }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            return list.split(separator: ":").map { expandHome(String($0), environment: environment) }
                .filter { seen.insert($0).inserted }
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return [home + "/.kube/config"]
    }

    /// Reads and merges `files`. An explicit file must exist; in a `$KUBECONFIG`
    /// list missing files are skipped, as kubectl does.
    public static func load(files: [String], explicit: Bool) throws -> Kubeconfig {
        var merged = Kubeconfig()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                if explicit { throw KubernetesError.configuration("cannot read kubeconfig \(file); check the path given with --kubeconfig") }
                continue
            }
            let one = try parse(String(decoding: data, as: UTF8.self), file: file)
            merged.files.append(file)
            if merged.currentContext == nil, let current = one.currentContext, !current.isEmpty { merged.currentContext = current }
            for (name, value) in one.clusters where merged.clusters[name] == nil { merged.clusters[name] = value }
            for (name, value) in one.users where merged.users[name] == nil { merged.users[name] = value }
            for (name, value) in one.contexts where merged.contexts[name] == nil { merged.contexts[name] = value }
        }
        if merged.files.isEmpty {
            throw KubernetesError.configuration(
                "no kubeconfig found (looked at \(files.joined(separator: ", "))); give one with --kubeconfig FILE or $KUBECONFIG")
        }
        return merged
    }

    /// Parses one kubeconfig file's text; errors name the file and the key.
    public static func parse(_ text: String, file: String) throws -> Kubeconfig {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw KubernetesError.configuration("\(file): not valid YAML: \(error)")
        }
        var config = Kubeconfig()
        guard let root = node?.mapping else { return config }
        let directory = (file as NSString).deletingLastPathComponent
        func path(_ value: String?) -> String? {
            guard let value, !value.isEmpty else { return nil }
            let expanded = expandHome(value, environment: ProcessInfo.processInfo.environment)
            return expanded.hasPrefix("/") ? expanded : directory + "/" + expanded
        }
        func base64(_ value: String?, _ key: String) throws -> [UInt8]? {
            guard let value, !value.isEmpty else { return nil }
            guard let data = Data(base64Encoded: value.filter { !$0.isWhitespace }) else {
                throw KubernetesError.configuration("\(file): \(key) is not valid base64")
            }
            return Array(data)
        }
        func entries(_ key: String, _ inner: String) throws -> [(String, Node.Mapping)] {
            guard let list = root[key] else { return [] }
            if list.scalar != nil { return [] }  // `clusters: null` or `clusters:` as kubectl writes them
            guard let sequence = list.sequence else { throw KubernetesError.configuration("\(file): \(key) must be a list") }
            return try sequence.enumerated().map { index, item in
                guard let mapping = item.mapping, let name = mapping["name"]?.string else {
                    throw KubernetesError.configuration("\(file): \(key)[\(index)] needs a name")
                }
                return (name, mapping[inner]?.mapping ?? Node.Mapping([]))
            }
        }
        for (name, c) in try entries("clusters", "cluster") {
            guard let server = c["server"]?.string, !server.isEmpty else {
                throw KubernetesError.configuration("\(file): cluster \(name) has no server")
            }
            config.clusters[name] = Cluster(
                server: server, certificateAuthority: path(c["certificate-authority"]?.string),
                certificateAuthorityData: try base64(c["certificate-authority-data"]?.string, "cluster \(name) certificate-authority-data"),
                insecureSkipTLSVerify: c["insecure-skip-tls-verify"]?.bool ?? false,
                tlsServerName: c["tls-server-name"]?.string)
        }
        for (name, u) in try entries("users", "user") {
            var user = User(
                token: u["token"]?.string, tokenFile: path(u["tokenFile"]?.string),
                clientCertificate: path(u["client-certificate"]?.string),
                clientCertificateData: try base64(u["client-certificate-data"]?.string, "user \(name) client-certificate-data"),
                clientKey: path(u["client-key"]?.string),
                clientKeyData: try base64(u["client-key-data"]?.string, "user \(name) client-key-data"))
            if let exec = u["exec"]?.mapping {
                guard let command = exec["command"]?.string, !command.isEmpty else {
                    throw KubernetesError.configuration("\(file): user \(name): exec has no command")
                }
                var plugin = ExecPlugin(
                    apiVersion: exec["apiVersion"]?.string ?? "client.authentication.k8s.io/v1", command: command)
                plugin.args = exec["args"]?.sequence?.compactMap(\.string) ?? []
                plugin.env = (exec["env"]?.sequence.map(Array.init) ?? []).compactMap { item in
                    guard let name = item.mapping?["name"]?.string else { return nil }
                    return (name, item.mapping?["value"]?.string ?? "")
                }
                plugin.installHint = exec["installHint"]?.string
                plugin.provideClusterInfo = exec["provideClusterInfo"]?.bool ?? false
                // A command with a slash is relative to the kubeconfig, as client-go resolves it.
                if command.contains("/"), !command.hasPrefix("/") { plugin.command = directory + "/" + command }
                user.exec = plugin
            }
            if u["auth-provider"] != nil && user.token == nil && user.exec == nil {
                throw KubernetesError.configuration(
                    "\(file): user \(name) uses auth-provider, which kubectl removed in 1.26; use an exec plugin (e.g. gke-gcloud-auth-plugin, kubelogin)")
            }
            config.users[name] = user
        }
        for (name, c) in try entries("contexts", "context") {
            config.contexts[name] = Context(
                cluster: c["cluster"]?.string ?? "", user: c["user"]?.string ?? "", namespace: c["namespace"]?.string)
        }
        config.currentContext = root["current-context"]?.string
        return config
    }

    static func expandHome(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }
}
