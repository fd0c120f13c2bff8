import Foundation
import KubernetesFake
import XCTest

/// The console on a porthole context with `backend: kubernetes`, against the
/// fake API server: the table shows the cluster's pods, Enter logs into the
/// Knative pod's user container, and the pane shows the exit code.
///
/// Synchronous on purpose: tmux is started from the test's own thread, whose
/// signal mask is the ordinary one (a concurrency pool thread's blocked
/// signals would be inherited by the tmux server, which then ignores
/// kill-server).
final class KubernetesConsoleTests: XCTestCase {
    func testTableLoginIntoUserContainerAndExitCode() throws {
        let directory = NSTemporaryDirectory() + "porthole-kube-console-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = try FakeCertificates.generate(in: directory + "/pki")
        let store = FakeKubeStore()
        FakeFixtures.load(into: store)
        var options = FakeKubeAPIServer.Options()
        options.tokens = ["console-token": "alice"]
        options.workDirectory = directory
        let server = FakeKubeAPIServer(certificates: certificates, store: store, options: options)
        try blocking { try await server.start() }
        defer { _ = try? blocking { await server.stop() } }
        let kubeconfig = directory + "/kubeconfig"
        try """
            apiVersion: v1
            kind: Config
            current-context: kind-fake
            clusters:
            - name: kind-fake
              cluster: {server: "\(server.url)", certificate-authority: "\(certificates.caCertificate)"}
            users:
            - name: alice
              user: {token: console-token}
            contexts:
            - name: kind-fake
              context: {cluster: kind-fake, user: alice}
            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
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

        let tmux = try TmuxConsole(
            command: [TmuxConsole.portholeBinary.path], environment: ["XDG_CONFIG_HOME": configHome, "KUBECONFIG": "/nonexistent"])
        defer { tmux.kill() }
        let screen = try tmux.waitUntil("the cluster's functions and the Knative pod", timeout: 60) { screen in
            ["hello", "worker", "Running"].allSatisfy { ScreenReading.contains(screen, $0) }
        }
        XCTAssertTrue(ScreenReading.contains(screen, "Instances · hello"), screen.joined(separator: "\n"))
        XCTAssertTrue(ScreenReading.contains(screen, "hello-00001-dep"), screen.joined(separator: "\n"))

        try tmux.press("Enter")
        try tmux.waitFor("· shell")
        try tmux.typeLine("echo in-$FAKE_CONTAINER-$((6*7))")
        try tmux.waitFor("in-user-container-42")
        try tmux.typeLine("exit 3")
        try tmux.waitFor("exited 3")
    }
}

/// Runs async work to completion from a synchronous test.
private func blocking<T>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
