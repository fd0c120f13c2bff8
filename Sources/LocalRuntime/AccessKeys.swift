import Foundation
import Platform

/// Function Compute style access keys that `porthole serve --access-keys FILE`
/// accepts besides its bearer token. One key per line: `ID SECRET`, or
/// `ID SECRET STS-TOKEN` for a temporary (STS) credential, which is accepted
/// only with that token. `#` starts a comment. The file must be mode 0600 (or
/// stricter): it holds secrets.
public struct AccessKeys: Sendable {
    /// One credential: the secret, and the security token an STS credential needs.
    public struct Key: Sendable, Equatable {
        public var secret: String
        public var securityToken: String?
    }

    public let keys: [String: Key]

    public init(keys: [String: Key]) {
        self.keys = keys
    }

    /// Reads and checks `file`. Errors name the file and line.
    public static func load(from file: URL) throws -> AccessKeys {
        let path = file.path
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw PlatformError.configuration("cannot read the access key file \(path): \(error.localizedDescription)")
        }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw PlatformError.configuration(
                "the access key file \(path) is readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(path)`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlatformError.configuration("cannot read the access key file \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    static func parse(_ text: String, file: String) throws -> AccessKeys {
        var keys: [String: Key] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty { continue }
            guard fields.count == 2 || fields.count == 3 else {
                throw PlatformError.configuration(
                    "\(file):\(index + 1): expected `ID SECRET` or `ID SECRET STS-TOKEN`, found \(fields.count) fields")
            }
            guard keys[fields[0]] == nil else {
                throw PlatformError.configuration("\(file):\(index + 1): access key \(fields[0]) appears twice")
            }
            keys[fields[0]] = Key(secret: fields[1], securityToken: fields.count == 3 ? fields[2] : nil)
        }
        guard !keys.isEmpty else { throw PlatformError.configuration("the access key file \(file) holds no keys") }
        return AccessKeys(keys: keys)
    }
}
