import Foundation

/// What a request authenticates with: a bearer token, a client certificate, or both.
public struct KubeCredential: Sendable, Equatable {
    public var token: String?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// When an exec plugin's credential stops being valid; nil = until refused.
    public var expires: Date?

    public init(token: String? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil, expires: Date? = nil) {
        self.token = token
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.expires = expires
    }
}

/// Runs a kubeconfig exec credential plugin (`client.authentication.k8s.io/v1`
/// or `v1beta1`) the way client-go does: the plugin's `env` over ours,
/// `KUBERNETES_EXEC_INFO` with the request (and the cluster when
/// `provideClusterInfo`), stdin left to the terminal only when interactive
/// (never, here), the `ExecCredential` read from its stdout.
public enum ExecCredentialPlugin {
    static let versions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    public static func run(_ plugin: Kubeconfig.ExecPlugin, cluster: Kubeconfig.Cluster, user: String) throws -> KubeCredential {
        guard versions.contains(plugin.apiVersion) else {
            throw KubernetesError.credentialPlugin(
                "user \(user): exec plugin apiVersion \(plugin.apiVersion) is not supported; use client.authentication.k8s.io/v1 (or v1beta1)")
        }
        guard let executable = resolve(plugin.command) else {
            var message = "user \(user): the credential plugin \(plugin.command) was not found"
            if let hint = plugin.installHint, !hint.isEmpty {
                message += ": \(hint.trimmingCharacters(in: .whitespacesAndNewlines))"
            } else {
                message += "; install it or fix users[].user.exec.command in the kubeconfig"
            }
            throw KubernetesError.credentialPlugin(message)
        }
        var environment = ProcessInfo.processInfo.environment
        for variable in plugin.env { environment[variable.name] = variable.value }
        environment["KUBERNETES_EXEC_INFO"] = execInfo(plugin, cluster: cluster)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = plugin.args
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        do {
            try process.run()
        } catch {
            throw KubernetesError.credentialPlugin("user \(user): cannot run the credential plugin \(executable): \(error)")
        }
        // stdout first (the credential), then stderr: plugins write little to either.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errorText, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw KubernetesError.credentialPlugin(
                "user \(user): the credential plugin \(plugin.command) failed with exit code \(process.terminationStatus)\(stderr.isEmpty ? "" : ": \(stderr)")")
        }
        return try parse(stdout, plugin: plugin, user: user)
    }

    /// Reads an `ExecCredential` from the plugin's output.
    public static func parse(_ data: Data, plugin: Kubeconfig.ExecPlugin, user: String) throws -> KubeCredential {
        struct Answer: Decodable {
            struct Status: Decodable {
                var token: String?
                var clientCertificateData: String?
                var clientKeyData: String?
                var expirationTimestamp: String?
            }
            var apiVersion: String?
            var kind: String?
            var status: Status?
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            throw KubernetesError.credentialPlugin(
                "user \(user): the credential plugin \(plugin.command) printed no ExecCredential JSON (\(error))")
        }
        guard answer.kind == "ExecCredential" else {
            throw KubernetesError.credentialPlugin("user \(user): the credential plugin printed kind \(answer.kind ?? "none"), not ExecCredential")
        }
        guard answer.apiVersion == plugin.apiVersion else {
            throw KubernetesError.credentialPlugin(
                "user \(user): the credential plugin answered \(answer.apiVersion ?? "no apiVersion") but the kubeconfig asks for \(plugin.apiVersion)")
        }
        guard let status = answer.status else {
            throw KubernetesError.credentialPlugin("user \(user): the credential plugin's ExecCredential has no status")
        }
        let certificate = status.clientCertificateData.map { Array($0.utf8) }
        let key = status.clientKeyData.map { Array($0.utf8) }
        guard status.token != nil || (certificate != nil && key != nil) else {
            throw KubernetesError.credentialPlugin(
                "user \(user): the credential plugin gave neither a token nor a client certificate and key")
        }
        var expires: Date?
        if let stamp = status.expirationTimestamp {
            guard let date = KubeTime.parse(stamp) else {
                throw KubernetesError.credentialPlugin("user \(user): expirationTimestamp \(stamp) is not an RFC 3339 time")
            }
            expires = date
        }
        return KubeCredential(token: status.token, clientCertificatePEM: certificate, clientKeyPEM: key, expires: expires)
    }

    static func execInfo(_ plugin: Kubeconfig.ExecPlugin, cluster: Kubeconfig.Cluster) -> String {
        var spec: [String: Any] = ["interactive": false]
        if plugin.provideClusterInfo {
            var info: [String: Any] = ["server": cluster.server]
            if let name = cluster.tlsServerName { info["tls-server-name"] = name }
            if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = true }
            if let data = cluster.certificateAuthorityData {
                info["certificate-authority-data"] = Data(data).base64EncodedString()
            } else if let file = cluster.certificateAuthority, let data = FileManager.default.contents(atPath: file) {
                info["certificate-authority-data"] = data.base64EncodedString()
            }
            spec["cluster"] = info
        }
        let object: [String: Any] = ["kind": "ExecCredential", "apiVersion": plugin.apiVersion, "spec": spec]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The plugin's path: as given when it has a slash, else searched in $PATH.
    static func resolve(_ command: String) -> String? {
        if command.contains("/") { return FileManager.default.isExecutableFile(atPath: command) ? command : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

