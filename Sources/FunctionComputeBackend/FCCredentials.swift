import Foundation
import Platform

/// An Alibaba Cloud credential: a long-term access key, or an STS triple.
public struct FCCredentials: Sendable, Equatable {
    public var accessKeyId: String
    public var accessKeySecret: String
    public var securityToken: String?
    /// The region the credential's source names, if any.
    public var regionId: String?
    /// Where it came from, for messages: "environment", "profile default in ~/.aliyun/config.json".
    public var source: String

    public init(accessKeyId: String, accessKeySecret: String, securityToken: String? = nil, regionId: String? = nil, source: String) {
        self.accessKeyId = accessKeyId
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
        self.regionId = regionId
        self.source = source
    }

    /// The chain Alibaba Cloud's own tools use (docs/PROTOCOL.md §7):
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN`
    /// (and `ALIBABA_CLOUD_REGION_ID`), then the aliyun CLI's config file
    /// (`ALIBABA_CLOUD_CONFIG_FILE`, default `~/.aliyun/config.json`), profile
    /// `ALIBABA_CLOUD_PROFILE` or the file's `current`.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FCCredentials {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        let id = value("ALIBABA_CLOUD_ACCESS_KEY_ID")
        let secret = value("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        if let id, let secret {
            return FCCredentials(
                accessKeyId: id, accessKeySecret: secret, securityToken: value("ALIBABA_CLOUD_SECURITY_TOKEN"),
                regionId: value("ALIBABA_CLOUD_REGION_ID"), source: "environment")
        }
        if (id == nil) != (secret == nil) {
            throw PlatformError.configuration(
                "only one of ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET is set; set both (and ALIBABA_CLOUD_SECURITY_TOKEN for an STS credential)")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let file = value("ALIBABA_CLOUD_CONFIG_FILE") ?? home + "/.aliyun/config.json"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PlatformError.configuration(
                "no Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), or create \(file) with `aliyun configure` (or point ALIBABA_CLOUD_CONFIG_FILE at one)")
        }
        return try fromProfile(data: data, file: file, profile: value("ALIBABA_CLOUD_PROFILE"))
    }

    struct ConfigFile: Decodable {
        struct Profile: Decodable {
            var name: String
            var mode: String?
            var access_key_id: String?
            var access_key_secret: String?
            var sts_token: String?
            var region_id: String?
        }
        var current: String?
        var profiles: [Profile]?
    }

    static func fromProfile(data: Data, file: String, profile wanted: String?) throws -> FCCredentials {
        let config: ConfigFile
        do {
            config = try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch {
            throw PlatformError.configuration("\(file) is not an aliyun CLI config (JSON with `current` and `profiles`): \(error)")
        }
        let profiles = config.profiles ?? []
        guard let name = wanted ?? config.current ?? profiles.first?.name else {
            throw PlatformError.configuration("\(file) has no profiles; run `aliyun configure` or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        }
        guard let profile = profiles.first(where: { $0.name == name }) else {
            let known = profiles.map(\.name).joined(separator: ", ")
            throw PlatformError.configuration("profile \(name) is not in \(file)\(known.isEmpty ? "" : "; it has: \(known)")")
        }
        let mode = profile.mode ?? "AK"
        let source = "profile \(name) in \(file)"
        switch mode {
        case "AK", "StsToken":
            guard let id = profile.access_key_id, !id.isEmpty, let secret = profile.access_key_secret, !secret.isEmpty else {
                throw PlatformError.configuration("\(source): access_key_id and access_key_secret must be set for mode \(mode)")
            }
            var token: String?
            if mode == "StsToken" {
                guard let sts = profile.sts_token, !sts.isEmpty else {
                    throw PlatformError.configuration("\(source): mode StsToken needs sts_token")
                }
                token = sts
            }
            return FCCredentials(
                accessKeyId: id, accessKeySecret: secret, securityToken: token,
                regionId: profile.region_id.flatMap { $0.isEmpty ? nil : $0 }, source: source)
        default:
            throw PlatformError.configuration(
                "\(source): credential mode not supported yet: \(mode); use an AK or StsToken profile, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        }
    }
}
