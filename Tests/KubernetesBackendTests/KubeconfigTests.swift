import Foundation
import KubernetesBackend
import XCTest

final class KubeconfigTests: XCTestCase {
    private var directory = ""

    override func setUp() {
        directory = NSTemporaryDirectory() + "porthole-kubeconfig-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testParsesEveryAuthFieldAndResolvesRelativePaths() throws {
        let ca = Data("CA".utf8).base64EncodedString()
        let file = try write("a", """
            current-context: one
            clusters:
            - name: c1
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: \(ca)
                tls-server-name: kubernetes.default.svc
            - name: c2
              cluster:
                server: https://example.com
                certificate-authority: certs/ca.crt
                insecure-skip-tls-verify: true
            users:
            - name: u1
              user:
                client-certificate: client.crt
                client-key: /abs/client.key
            - name: u2
              user:
                tokenFile: tok
            - name: u3
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: aws
                  args: [eks, get-token, --cluster-name, prod]
                  env:
                  - name: AWS_PROFILE
                    value: prod
                  installHint: install the AWS CLI
                  provideClusterInfo: true
            contexts:
            - name: one
              context: {cluster: c1, user: u1, namespace: payments}
            """)
        let config = try Kubeconfig.load(files: [file], explicit: true)
        XCTAssertEqual(config.currentContext, "one")
        XCTAssertEqual(config.clusters["c1"]?.certificateAuthorityData, Array("CA".utf8))
        XCTAssertEqual(config.clusters["c1"]?.tlsServerName, "kubernetes.default.svc")
        XCTAssertEqual(config.clusters["c2"]?.certificateAuthority, directory + "/certs/ca.crt")
        XCTAssertEqual(config.clusters["c2"]?.insecureSkipTLSVerify, true)
        XCTAssertEqual(config.users["u1"]?.clientCertificate, directory + "/client.crt")
        XCTAssertEqual(config.users["u1"]?.clientKey, "/abs/client.key")
        XCTAssertEqual(config.users["u2"]?.tokenFile, directory + "/tok")
        let exec = try XCTUnwrap(config.users["u3"]?.exec)
        XCTAssertEqual(exec.apiVersion, "client.authentication.k8s.io/v1beta1")
        XCTAssertEqual(exec.args, ["eks", "get-token", "--cluster-name", "prod"])
        XCTAssertEqual(exec.env.first?.name, "AWS_PROFILE")
        XCTAssertEqual(exec.installHint, "install the AWS CLI")
        XCTAssertTrue(exec.provideClusterInfo)
        XCTAssertEqual(config.contexts["one"]?.cluster, "c1")
        XCTAssertEqual(config.contexts["one"]?.user, "u1")
        XCTAssertEqual(config.contexts["one"]?.namespace, "payments")
    }

    /// $KUBECONFIG merges as kubectl does: the first file to define a name wins,
    /// the first non-empty current-context wins, missing files are skipped.
    func testKubeconfigVariableMergesFirstWins() throws {
        let first = try write("first", """
            clusters:
            - name: shared
              cluster: {server: https://first.example}
            contexts:
            - name: a
              context: {cluster: shared, user: ""}
            """)
        let second = try write("second", """
            current-context: b
            clusters:
            - name: shared
              cluster: {server: https://second.example}
            - name: only-second
              cluster: {server: https://other.example}
            contexts:
            - name: b
              context: {cluster: only-second, user: "", namespace: team-b}
            """)
        let files = Kubeconfig.files(explicit: nil, environment: ["KUBECONFIG": "\(first)::\(directory)/missing:\(second)", "HOME": "/nowhere"])
        XCTAssertEqual(files, [first, directory + "/missing", second])
        let config = try Kubeconfig.load(files: files, explicit: false)
        XCTAssertEqual(config.clusters["shared"]?.server, "https://first.example")
        XCTAssertEqual(config.clusters["only-second"]?.server, "https://other.example")
        XCTAssertEqual(config.currentContext, "b")
        XCTAssertEqual(config.files, [first, second])
        XCTAssertEqual(Kubeconfig.files(explicit: nil, environment: ["HOME": "/home/u"]), ["/home/u/.kube/config"])
    }

    func testContextNamespaceAndFlags() throws {
        let file = try write("c", """
            current-context: a
            clusters:
            - name: c
              cluster: {server: https://k.example:6443}
            users:
            - name: u
              user: {token: abc}
            contexts:
            - name: a
              context: {cluster: c, user: u, namespace: team-a}
            - name: plain
              context: {cluster: c, user: u}
            """)
        XCTAssertEqual(try KubernetesSettings(kubeconfig: file).resolve().namespace, "team-a")
        XCTAssertEqual(try KubernetesSettings(kubeconfig: file, namespace: "x").resolve().namespace, "x")
        XCTAssertNil(try KubernetesSettings(kubeconfig: file, allNamespaces: true).resolve().namespace)
        XCTAssertEqual(try KubernetesSettings(kubeconfig: file, context: "plain").resolve().namespace, "default")
        XCTAssertThrowsError(try KubernetesSettings(kubeconfig: file, context: "nope").resolve()) { error in
            XCTAssertTrue("\(error)".contains("no context nope"), "\(error)")
            XCTAssertTrue("\(error)".contains("known: a, plain"), "\(error)")
        }
        XCTAssertThrowsError(try KubernetesSettings(kubeconfig: directory + "/absent").resolve()) { error in
            XCTAssertTrue("\(error)".contains("--kubeconfig"), "\(error)")
        }
    }

    func testBrokenFilesSayWhere() throws {
        let bad = try write("bad", "clusters:\n- name: c\n  cluster:\n    certificate-authority-data: '%%%'\n    server: https://x\n")
        XCTAssertThrowsError(try Kubeconfig.load(files: [bad], explicit: true)) { error in
            XCTAssertTrue("\(error)".contains("\(bad): cluster c certificate-authority-data is not valid base64"), "\(error)")
        }
        let noServer = try write("noserver", "clusters:\n- name: c\n  cluster: {}\n")
        XCTAssertThrowsError(try Kubeconfig.load(files: [noServer], explicit: true)) { error in
            XCTAssertTrue("\(error)".contains("cluster c has no server"), "\(error)")
        }
    }
}
