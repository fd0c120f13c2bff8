import Foundation

/// The bearer token shared by `porthole serve` and its clients through a file
/// only the user can read.
public struct AccessToken: Sendable, Equatable {
    public let value: String

    public init(value: String) {
        self.value = value
    }

    /// Reads the token in `file`.
    public static func read(from file: URL) throws -> AccessToken {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw PlatformError.configuration(
                "cannot read the token file \(file.path): \(error.localizedDescription); start `porthole serve` (it creates one) or pass --token-file")
        }
        try checkPermissions(of: file)
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw PlatformError.configuration("the token file \(file.path) is empty") }
        return AccessToken(value: value)
    }

    /// Refuses a token file that its group or others may read or write, as ssh
    /// refuses such a private key: anyone who can read it can run commands in
    /// every instance.
    public static func checkPermissions(of file: URL) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { return }
        guard mode & 0o077 == 0 else {
            throw PlatformError.configuration(
                "the token file \(file.path) is accessible by others (mode \(String(mode & 0o777, radix: 8))): anyone who can read it can run commands in every instance. Run `chmod 600 \(file.path)` and try again")
        }
    }

    /// Reads the token in `file`, creating the file (mode 0600) with a new random token if it is missing.
    public static func loadOrCreate(at file: URL) throws -> AccessToken {
        if FileManager.default.fileExists(atPath: file.path) { return try read(from: file) }
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let value = bytes.map { String(format: "%02x", $0) }.joined()
        guard FileManager.default.createFile(
            atPath: file.path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw PlatformError.configuration("cannot create the token file \(file.path)")
        }
        return AccessToken(value: value)
    }

    /// Compares in time independent of where the first difference is, so the
    /// token cannot be guessed byte by byte from response times.
    public func matches(_ candidate: String) -> Bool {
        let a = Array(value.utf8)
        let b = Array(candidate.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
