import ExecCore
import Foundation
import KubernetesBackend
import KubernetesFake
import XCTest

/// A fake API server with the standard fixtures, its PKI, and kubeconfigs that
/// reach it; stopped by `stop()` (every test calls it in a defer).
final class TestCluster: @unchecked Sendable {
    let server: FakeKubeAPIServer
    let directory: String
    var certificates: FakeCertificates { server.certificates }
    static let token = "t0k3n-alice"
    static let expiredToken = "t0k3n-expired"
    static let forbiddenToken = "t0k3n-viewer"

    /// `store`: other objects than the standard fixtures.
    init(store given: FakeKubeStore? = nil, options configure: (inout FakeKubeAPIServer.Options) -> Void = { _ in }) async throws {
        let certificates = try FakeCertificates.shared()
        directory = try FakeRunDirectory.subdirectory("cluster")
        // A directory with sh and no bash: the shell-only pod's image.
        let shellOnly = directory + "/shell-only-bin"
        try FileManager.default.createDirectory(atPath: shellOnly, withIntermediateDirectories: true)
        for tool in ["sh", "echo", "cat", "env", "sleep"] {
            if let path = ["/bin/\(tool)", "/usr/bin/\(tool)"].first(where: FileManager.default.isExecutableFile) {
                try FileManager.default.createSymbolicLink(atPath: "\(shellOnly)/\(tool)", withDestinationPath: path)
            }
        }
        var options = FakeKubeAPIServer.Options()
        options.tokens = [Self.token: "alice", Self.forbiddenToken: "viewer"]
        options.expiredTokens = [Self.expiredToken]
        options.execForbidden = ["viewer"]
        options.bookmarkInterval = 0.3
        options.workDirectory = directory
        configure(&options)
        let store = given ?? FakeKubeStore()
        if given == nil { FakeFixtures.load(into: store, shellOnlyPath: shellOnly) }
        server = FakeKubeAPIServer(certificates: certificates, store: store, options: options)
        try await server.start()
    }

    func stop() async {
        await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A kubeconfig reaching this server: `user` is the YAML of the user entry.
    func kubeconfig(user: String, cluster: String? = nil, namespace: String = "default", name: String = "config") throws -> String {
        let clusterYAML = cluster ?? "certificate-authority: \(certificates.caCertificate)"
        let text = """
            apiVersion: v1
            kind: Config
            current-context: fake
            clusters:
            - name: fake
              cluster:
                server: \(server.url)
                \(clusterYAML)
            users:
            - name: alice
              user:
                \(user)
            contexts:
            - name: fake
              context:
                cluster: fake
                user: alice
                namespace: \(namespace)
            """
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    var tokenUser: String { "token: \(Self.token)" }

    func backend(user: String? = nil, namespace: String? = nil, allNamespaces: Bool = false, watchSeconds: Int = 300, pageSize: Int = 500) throws -> KubernetesBackend {
        let file = try kubeconfig(user: user ?? tokenUser)
        let resolved = try KubernetesSettings(kubeconfig: file, namespace: namespace, allNamespaces: allNamespaces).resolve()
        let client = try KubeClient(cluster: resolved.cluster, clusterName: resolved.clusterName, user: resolved.user, userName: resolved.userName)
        return KubernetesBackend(client: client, namespace: resolved.namespace, displayName: "fake", pageSize: pageSize, watchSeconds: watchSeconds)
    }
}

/// Collects an exec session's output.
final class ExecOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out: [UInt8] = []
    private var err: [UInt8] = []

    var handlers: ExecCallbacks {
        ExecCallbacks(
            onStdout: { bytes in self.lock.withLock { self.out += bytes } },
            onStderr: { bytes in self.lock.withLock { self.err += bytes } })
    }
    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(_ seconds: Double = 10, _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    XCTFail("timed out after \(seconds) s waiting for \(what)")
}
