import Foundation

/// A throwaway PKI made with the `openssl` CLI: a cluster CA, the API
/// server's certificate (for 127.0.0.1 and localhost), a client certificate
/// signed by the CA, and a second unrelated CA for "wrong CA" tests.
public struct FakeCertificates: Sendable {
    public let directory: String
    public var caCertificate: String { directory + "/ca.crt" }
    public var serverCertificate: String { directory + "/server.crt" }
    public var serverKey: String { directory + "/server.key" }
    public var clientCertificate: String { directory + "/client.crt" }
    public var clientKey: String { directory + "/client.key" }
    /// A server certificate from the same CA naming only `namedServerHost` (no
    /// IP address): what tls-server-name tests need, since a client may accept
    /// an IP SAN matching the address it dialled whatever name it checks.
    public var namedServerCertificate: String { directory + "/named-server.crt" }
    public var namedServerKey: String { directory + "/named-server.key" }
    public static let namedServerHost = "api.fake-cluster.internal"
    /// A CA that signed nothing here.
    public var otherCACertificate: String { directory + "/other-ca.crt" }
    /// The user the client certificate names (its CN).
    public static let clientUser = "cert-user"

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The PKI of this process, made on first use in its `FakeRunDirectory`
    /// (so removed when the process ends): openssl takes a moment, and every
    /// cluster of a process can share one CA.
    public static func shared() throws -> FakeCertificates {
        try sharedPKI.get()
    }

    private static let sharedPKI = Result { try generate(in: try FakeRunDirectory.path() + "/pki") }

    /// Creates every file in `directory` (created if missing).
    public static func generate(in directory: String) throws -> FakeCertificates {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = FakeCertificates(directory: directory)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "3", "-subj", "/CN=fake-kubernetes-ca"], in: directory)
        try openssl(["req", "-x509"] + ec + ["-keyout", "other-ca.key", "-out", "other-ca.crt", "-days", "3", "-subj", "/CN=some-other-ca"], in: directory)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n"
            .write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
        try "subjectAltName=DNS:\(namedServerHost)\nextendedKeyUsage=serverAuth\n"
            .write(toFile: directory + "/named-server.ext", atomically: true, encoding: .utf8)
        for (name, subject, ext) in [
            ("server", "/CN=kube-apiserver", "server.ext"), ("client", "/O=system:masters/CN=\(clientUser)", "client.ext"),
            ("named-server", "/CN=\(namedServerHost)", "named-server.ext"),
        ] {
            try openssl(["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject], in: directory)
            try openssl(
                ["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "\(name).crt", "-days", "3", "-extfile", ext], in: directory)
        }
        return certificates
    }

    static func openssl(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let text = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")) failed: \(String(decoding: text, as: UTF8.self))")
        }
    }

    /// The file's bytes, base64, for kubeconfig `*-data` fields.
    public static func base64(of file: String) -> String {
        (FileManager.default.contents(atPath: file) ?? Data()).base64EncodedString()
    }
}
