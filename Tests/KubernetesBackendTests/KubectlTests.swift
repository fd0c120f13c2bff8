import Foundation
import KubernetesFake
import XCTest

/// The real kubectl against the fake, so the fake cannot drift into
/// something only porthole accepts. kubectl before 1.30 speaks only SPDY for
/// exec: without a kubectl ≥ 1.30 this test says so and skips.
final class KubectlTests: XCTestCase {
    static func kubectl() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let binary = path.split(separator: ":").map({ "\($0)/kubectl" }).first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("KubectlTests: no kubectl on PATH; install kubectl ≥ 1.30 to check the fake against it")
        }
        let version = try runProcess([binary, "version", "--client", "-o", "json"], timeout: 30)
        struct Answer: Decodable {
            struct Client: Decodable { var major: String; var minor: String }
            var clientVersion: Client
        }
        let answer = try JSONDecoder().decode(Answer.self, from: Data(version.output.utf8))
        let minor = Int(answer.clientVersion.minor.filter(\.isNumber)) ?? 0
        guard answer.clientVersion.major == "1", minor >= 30 else {
            throw XCTSkip("KubectlTests: kubectl 1.\(minor) speaks only SPDY for exec; install kubectl ≥ 1.30")
        }
        return binary
    }

    func testKubectlGetPodsAndExec() async throws {
        let kubectl = try Self.kubectl()
        let cluster = try await TestCluster()
        let config = try cluster.kubeconfig(user: cluster.tokenUser)
        let home = cluster.directory + "/home"  // kubectl's discovery cache goes here, not in the real ~/.kube
        let env = ["HOME": home, "KUBECACHEDIR": home + "/cache", "PATH": "/usr/bin:/bin"]

        let get = try runProcess([kubectl, "--kubeconfig", config, "get", "pods"], environment: env, timeout: 60)
        XCTAssertEqual(get.status, 0, get.output)
        let lines = get.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        XCTAssertEqual(lines.first, ["NAME", "READY", "STATUS", "RESTARTS", "AGE"], get.output)
        XCTAssertTrue(lines.contains { $0.prefix(4) == ["hello-00001-deployment-7d9f8c6b5-abcde", "2/2", "Running", "0"] }, get.output)
        XCTAssertTrue(lines.contains { $0.prefix(3) == ["worker-0", "0/1", "CrashLoopBackOff"] }, get.output)
        XCTAssertTrue(lines.contains { $0.prefix(3) == ["web-migrate", "0/1", "Completed"] }, get.output)

        let all = try runProcess([kubectl, "--kubeconfig", config, "get", "pods", "-A", "-o", "name"], environment: env, timeout: 60)
        XCTAssertTrue(all.output.contains("pod/figlet-5d8f7b9c4-q8w2z"), all.output)

        // The workloads porthole lists (Knative's through discovery of its group), read by kubectl.
        let ksvc = try runProcess(
            [kubectl, "--kubeconfig", config, "get", "ksvc", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.template.spec.containerConcurrency} {end}"],
            environment: env, timeout: 60)
        XCTAssertEqual(ksvc.status, 0, ksvc.output)
        XCTAssertEqual(ksvc.output, "hello=10 sleepy=0 ")
        let revisions = try runProcess(
            [kubectl, "--kubeconfig", config, "get", "revisions.serving.knative.dev", "-o", "jsonpath={.items[*].spec.containerConcurrency}"],
            environment: env, timeout: 60)
        XCTAssertEqual(revisions.output, "10 0", revisions.output)
        let deployments = try runProcess(
            [kubectl, "--kubeconfig", config, "get", "deploy", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.replicas} {end}"],
            environment: env, timeout: 60)
        XCTAssertEqual(deployments.status, 0, deployments.output)
        XCTAssertTrue(deployments.output.contains("nightly=0 ") && deployments.output.contains("sleepy-00001-deployment=0 "), deployments.output)

        // Non-tty exec into the Knative pod: kubectl applies the default-container annotation itself.
        let exec = try runProcess(
            [kubectl, "--kubeconfig", config, "exec", "hello-00001-deployment-7d9f8c6b5-abcde", "--", "sh", "-c", "echo in $FAKE_CONTAINER; exit 5"],
            environment: env, timeout: 60)
        XCTAssertEqual(exec.status, 5, exec.output)
        XCTAssertTrue(exec.output.contains("in user-container"), exec.output)
        XCTAssertTrue(cluster.server.requests.contains { $0.hasPrefix("UPGRADE ") && $0.contains("container=user-container") })
        // What kubectl 1.32 offers: v5 only (docs/PROTOCOL.md §5).
        let offers = Set(cluster.server.requests.filter { $0.hasPrefix("OFFER ") })
        XCTAssertEqual(offers, ["OFFER v5.channel.k8s.io"], "\(offers)")

        // -it under a pty (script gives kubectl a terminal): a tty in the pod, the exit code through.
        let tty = try runProcess(
            ["/usr/bin/script", "-qec",
             "\(kubectl) --kubeconfig \(config) exec -it web-6b7f9d4c8-x2x9k -- sh -c 'tty; exit 6'", "/dev/null"],
            environment: env, timeout: 60)
        XCTAssertEqual(tty.status, 6, tty.output)
        XCTAssertTrue(tty.output.contains("/dev/pts/"), tty.output)

        // The pod that is not scheduled: kubectl shows the server's own sentence.
        let pending = try runProcess([kubectl, "--kubeconfig", config, "exec", "web-6b7f9d4c8-pend1", "--", "true"], environment: env, timeout: 60)
        XCTAssertNotEqual(pending.status, 0)
        XCTAssertTrue(pending.output.contains("does not have a host assigned"), pending.output)
        await cluster.stop()
    }
}

struct ProcessResult {
    var status: Int32
    var output: String
}

/// Runs argv with stdout+stderr captured; kills it after `timeout` seconds.
func runProcess(_ argv: [String], environment: [String: String]? = nil, timeout: Double) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: argv[0])
    process.arguments = Array(argv.dropFirst())
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    let timer = DispatchSource.makeTimerSource()
    timer.schedule(deadline: .now() + timeout)
    let pid = process.processIdentifier
    timer.setEventHandler { kill(pid, SIGKILL) }
    timer.resume()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    timer.cancel()
    return ProcessResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}
