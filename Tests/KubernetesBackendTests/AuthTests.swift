import Foundation
import KubernetesBackend
import KubernetesFake
import XCTest

/// Each kind of kubeconfig credential against a real TLS server.
final class AuthTests: XCTestCase {
    func testBearerTokenAndTokenFile() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend()
        let names = try await backend.listFunctions().map(\.functionName)
        XCTAssertEqual(names, ["hello", "nightly", "sleepy", "tiny", "web", "worker"])
        await backend.shutdown()

        let tokenFile = cluster.directory + "/token"
        try "\(TestCluster.token)\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let fromFile = try cluster.backend(user: "tokenFile: \(tokenFile)")
        let viaFile = try await fromFile.listFunctions()
        XCTAssertEqual(viaFile.count, 6)
        await fromFile.shutdown()
        await cluster.stop()
    }

    func testClientCertificateFilesAndData() async throws {
        let cluster = try await TestCluster()
        let certs = cluster.certificates
        for user in [
            "client-certificate: \(certs.clientCertificate)\n    client-key: \(certs.clientKey)",
            "client-certificate-data: \(FakeCertificates.base64(of: certs.clientCertificate))\n    client-key-data: \(FakeCertificates.base64(of: certs.clientKey))",
        ] {
            let backend = try cluster.backend(user: user)
            let ids = try await backend.listInstances(function: "web").map(\.instanceId).sorted()
            XCTAssertEqual(ids, ["web-6b7f9d4c8-pend1", "web-6b7f9d4c8-x2x9k"])
            await backend.shutdown()
        }
        await cluster.stop()
    }

    func testExecPluginTokenIsCachedUntilItExpires() async throws {
        let cluster = try await TestCluster()
        let counter = cluster.directory + "/runs"
        let expiry = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        let script = cluster.directory + "/plugin.sh"
        // It checks what client-go hands a plugin: its env, and KUBERNETES_EXEC_INFO with the cluster.
        try """
            #!/bin/sh
            echo run >> \(counter)
            case "$KUBERNETES_EXEC_INFO" in *'"server":"\(cluster.server.url)"'*) ;; *) echo "no cluster info: $KUBERNETES_EXEC_INFO" >&2; exit 3;; esac
            [ "$PLUGIN_MODE" = ok ] || { echo "env not passed" >&2; exit 4; }
            printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}\\n' "$1" "\(expiry)"
            """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let user = """
            exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: \(script)
                  args: ["\(TestCluster.token)"]
                  env: [{name: PLUGIN_MODE, value: ok}]
                  provideClusterInfo: true
                  interactiveMode: Never
            """
        let backend = try cluster.backend(user: user)
        _ = try await backend.listFunctions()
        _ = try await backend.describeInstance(function: "web", id: "web-6b7f9d4c8-x2x9k")
        XCTAssertEqual(backend.client.pluginRuns, 1, "a credential valid for an hour is reused")
        await backend.shutdown()

        // A plugin that fails says why, with its stderr.
        let failing = try cluster.backend(user: user.replacingOccurrences(of: "value: ok", with: "value: no"))
        do {
            _ = try await failing.listFunctions()
            XCTFail("a failing plugin must fail the call")
        } catch {
            XCTAssertTrue("\(error)".contains("failed with exit code 4: env not passed"), "\(error)")
        }
        await failing.shutdown()
        await cluster.stop()
    }

    func testExecPluginExpiredCredentialRunsAgainAndV1beta1ClientCertificate() async throws {
        let cluster = try await TestCluster()
        let certs = cluster.certificates
        let script = cluster.directory + "/certplugin.sh"
        let past = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60))
        let json = try JSONSerialization.data(withJSONObject: [
            "apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
            "status": [
                "clientCertificateData": String(contentsOfFile: certs.clientCertificate, encoding: .utf8),
                "clientKeyData": String(contentsOfFile: certs.clientKey, encoding: .utf8), "expirationTimestamp": past,
            ],
        ])
        try json.write(to: URL(fileURLWithPath: cluster.directory + "/cred.json"))
        try "#!/bin/sh\ncat \(cluster.directory)/cred.json\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let backend = try cluster.backend(user: "exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: \(script)")
        _ = try await backend.listFunctions()
        _ = try await backend.describeInstance(function: "web", id: "web-6b7f9d4c8-x2x9k")
        XCTAssertGreaterThan(backend.client.pluginRuns, 1, "an expired credential is fetched again")
        await backend.shutdown()
        await cluster.stop()
    }

    func testMissingPluginShowsItsInstallHint() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend(user: """
            exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: gke-gcloud-auth-plugin-not-installed
                  installHint: Install gke-gcloud-auth-plugin with `gcloud components install gke-gcloud-auth-plugin`
            """)
        do {
            _ = try await backend.listFunctions()
            XCTFail("no plugin, no credential")
        } catch {
            XCTAssertTrue("\(error)".contains("gke-gcloud-auth-plugin-not-installed was not found"), "\(error)")
            XCTAssertTrue("\(error)".contains("gcloud components install gke-gcloud-auth-plugin"), "\(error)")
        }
        await backend.shutdown()
        await cluster.stop()
    }

    func testWrongCANamesHostAndCA() async throws {
        let cluster = try await TestCluster()
        let other = cluster.certificates.otherCACertificate
        let backend = try cluster.backend(user: cluster.tokenUser)
        await backend.shutdown()
        let file = try cluster.kubeconfig(user: cluster.tokenUser, cluster: "certificate-authority: \(other)", name: "wrong-ca")
        let wrong = try KubernetesBackend(settings: KubernetesSettings(kubeconfig: file))
        do {
            _ = try await wrong.listFunctions()
            XCTFail("a server certificate from another CA must be refused")
        } catch let error as KubernetesError {
            guard case .tls = error else { return XCTFail("expected a TLS error, got \(error)") }
            XCTAssertTrue(error.description.contains(other), error.description)
            XCTAssertTrue(error.description.contains(cluster.server.url), error.description)
            XCTAssertTrue(error.description.contains("certificate-authority"), error.description)
        }
        await wrong.shutdown()
        // insecure-skip-tls-verify accepts it; tls-server-name checks another name than the address.
        for (clusterYAML, works) in [
            ("insecure-skip-tls-verify: true", true),
            ("certificate-authority: \(cluster.certificates.caCertificate)\n    tls-server-name: localhost", true),
            // (A name the certificate lacks is not refused here when the certificate also carries
            // the address's IP: NIOSSL accepts an IP SAN match where Go checks only the name.
            // testTLSServerNameMustMatchTheCertificate refuses one with a certificate that has no IP.)
        ] {
            let file = try cluster.kubeconfig(user: cluster.tokenUser, cluster: clusterYAML, name: "variant")
            let backend = try KubernetesBackend(settings: KubernetesSettings(kubeconfig: file))
            do {
                _ = try await backend.listFunctions()
                XCTAssertTrue(works, clusterYAML)
            } catch {
                XCTAssertFalse(works, "\(clusterYAML): \(error)")
            }
            await backend.shutdown()
        }
        await cluster.stop()
    }

    /// tls-server-name is the name the certificate must carry, whatever address
    /// is dialled: against a certificate naming only `api.fake-cluster.internal`
    /// (no IP SAN, so no address match can excuse it) that name works, and any
    /// other is refused with the sentence that names the host and the CA.
    func testTLSServerNameMustMatchTheCertificate() async throws {
        let cluster = try await TestCluster { $0.namedCertificate = true }
        let ca = cluster.certificates.caCertificate
        let named = try cluster.kubeconfig(
            user: cluster.tokenUser, cluster: "certificate-authority: \(ca)\n    tls-server-name: \(FakeCertificates.namedServerHost)",
            name: "named")
        let backend = try KubernetesBackend(settings: KubernetesSettings(kubeconfig: named))
        let functions = try await backend.listFunctions()
        XCTAssertFalse(functions.isEmpty)
        await backend.shutdown()

        for (label, yaml) in [
            ("another name", "certificate-authority: \(ca)\n    tls-server-name: kubernetes.default.svc"),
            ("no name: the address 127.0.0.1, which the certificate lacks", "certificate-authority: \(ca)"),
        ] {
            let file = try cluster.kubeconfig(user: cluster.tokenUser, cluster: yaml, name: "mismatch")
            let wrong = try KubernetesBackend(settings: KubernetesSettings(kubeconfig: file))
            do {
                _ = try await wrong.listFunctions()
                XCTFail("\(label): a certificate for \(FakeCertificates.namedServerHost) must be refused")
            } catch let error as KubernetesError {
                guard case .tls(_, let host, _, _) = error else { return XCTFail("\(label): expected a TLS error, got \(error)") }
                XCTAssertEqual(host, yaml.contains("tls-server-name") ? "kubernetes.default.svc" : "127.0.0.1", label)
                XCTAssertTrue(error.description.contains("the certificate for \(host)"), error.description)
                XCTAssertTrue(error.description.contains(ca), error.description)
                XCTAssertTrue(error.description.contains("tls-server-name"), error.description)
            }
            await wrong.shutdown()
        }
        await cluster.stop()
    }

    func testExpiredTokenAndUnreachableServerSayWhatToDo() async throws {
        let cluster = try await TestCluster()
        let backend = try cluster.backend(user: "token: \(TestCluster.expiredToken)")
        do {
            _ = try await backend.listFunctions()
            XCTFail("an expired token must be refused")
        } catch {
            XCTAssertTrue("\(error)".contains("HTTP 401"), "\(error)")
            XCTAssertTrue("\(error)".contains("wrong or expired"), "\(error)")
        }
        await backend.shutdown()
        let url = cluster.server.url
        await cluster.server.stop()
        let file = try cluster.kubeconfig(user: cluster.tokenUser, name: "down")
        let down = try KubernetesBackend(settings: KubernetesSettings(kubeconfig: file))
        do {
            _ = try await down.listFunctions()
            XCTFail("nothing listens")
        } catch {
            XCTAssertTrue("\(error)".contains("cannot reach the Kubernetes API server \(url)"), "\(error)")
        }
        await down.shutdown()
        await cluster.stop()
    }
}
