import Foundation
import KubernetesFake

/// The fake API server with the fixtures, a kubeconfig for it, and a porthole
/// context `backend: kubernetes` on namespace `default`: `environment` starts
/// the console on it.
final class ConsoleCluster {
    let directory: String
    let server: FakeKubeAPIServer
    let environment: [String: String]

    init() throws {
        directory = try FakeRunDirectory.subdirectory("console-cluster")
        let certificates = try FakeCertificates.shared()
        let store = FakeKubeStore()
        FakeFixtures.load(into: store)
        var options = FakeKubeAPIServer.Options()
        options.tokens = ["console-token": "alice"]
        options.workDirectory = directory
        let server = FakeKubeAPIServer(certificates: certificates, store: store, options: options)
        self.server = server
        try Self.blocking { try await server.start() }
        let kubeconfig = directory + "/kubeconfig"
        try server.writeKubeconfig(to: kubeconfig, name: "kind-fake", user: "alice", token: "console-token")
        let configHome = directory + "/config"
        try FileManager.default.createDirectory(atPath: configHome + "/porthole", withIntermediateDirectories: true)
        try """
            current-context: cluster
            contexts:
              - name: cluster
                backend: kubernetes
                kubeconfig: \(kubeconfig)
                namespace: default
            """.write(toFile: configHome + "/porthole/config.yaml", atomically: true, encoding: .utf8)
        environment = ["XDG_CONFIG_HOME": configHome, "KUBECONFIG": "/nonexistent"]
    }

    func stop() {
        let server = self.server
        _ = try? Self.blocking { await server.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs async work to completion from a synchronous test.
    static func blocking<T>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
