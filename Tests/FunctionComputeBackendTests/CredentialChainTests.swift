import Foundation
import FunctionComputeBackend
import Platform
import XCTest

/// The credential chain Alibaba Cloud's tools use: environment, then the aliyun CLI's profile file.
final class CredentialChainTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-fc-cred-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent(".aliyun"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func writeProfiles(_ json: String) throws {
        try json.write(to: directory.appendingPathComponent(".aliyun/config.json"), atomically: true, encoding: .utf8)
    }

    private let profiles = """
        {"current": "main", "profiles": [
          {"name": "main", "mode": "AK", "access_key_id": "LTAI-main", "access_key_secret": "main-secret", "region_id": "cn-hangzhou"},
          {"name": "temp", "mode": "StsToken", "access_key_id": "STS.temp", "access_key_secret": "temp-secret", "sts_token": "tok", "region_id": "cn-shanghai"},
          {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "y"}
        ]}
        """

    func testEnvironmentComesFirst() throws {
        try writeProfiles(profiles)
        let credentials = try FCCredentials.resolve(environment: [
            "HOME": directory.path, "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-env", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret",
            "ALIBABA_CLOUD_SECURITY_TOKEN": "env-token", "ALIBABA_CLOUD_REGION_ID": "cn-beijing",
        ])
        XCTAssertEqual(credentials.accessKeyId, "LTAI-env")
        XCTAssertEqual(credentials.securityToken, "env-token")
        XCTAssertEqual(credentials.regionId, "cn-beijing")
        XCTAssertEqual(credentials.source, "environment")
    }

    func testCurrentProfileAndNamedProfile() throws {
        try writeProfiles(profiles)
        let current = try FCCredentials.resolve(environment: ["HOME": directory.path])
        XCTAssertEqual(current.accessKeyId, "LTAI-main")
        XCTAssertNil(current.securityToken)
        XCTAssertEqual(current.regionId, "cn-hangzhou")
        let sts = try FCCredentials.resolve(environment: ["HOME": directory.path, "ALIBABA_CLOUD_PROFILE": "temp"])
        XCTAssertEqual(sts.accessKeyId, "STS.temp")
        XCTAssertEqual(sts.securityToken, "tok")
        let moved = directory.appendingPathComponent("elsewhere.json")
        try FileManager.default.moveItem(at: directory.appendingPathComponent(".aliyun/config.json"), to: moved)
        let fromFile = try FCCredentials.resolve(environment: ["HOME": "/nonexistent", "ALIBABA_CLOUD_CONFIG_FILE": moved.path])
        XCTAssertEqual(fromFile.accessKeyId, "LTAI-main")
    }

    func testUnsupportedModeNamesTheProfile() throws {
        try writeProfiles(profiles)
        XCTAssertThrowsError(try FCCredentials.resolve(environment: ["HOME": directory.path, "ALIBABA_CLOUD_PROFILE": "role"])) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("not supported yet: RamRoleArn") && text.contains("profile role"), text)
        }
        XCTAssertThrowsError(try FCCredentials.resolve(environment: ["HOME": directory.path, "ALIBABA_CLOUD_PROFILE": "gone"])) {
            XCTAssertTrue("\($0)".contains("main, temp, role"), "\($0)")
        }
    }

    func testMissingCredentialsSayWhatToSet() throws {
        XCTAssertThrowsError(try FCCredentials.resolve(environment: ["HOME": directory.path])) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("ALIBABA_CLOUD_ACCESS_KEY_ID") && text.contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), text)
            XCTAssertTrue(text.contains(".aliyun/config.json"), text)
        }
        XCTAssertThrowsError(try FCCredentials.resolve(environment: ["HOME": directory.path, "ALIBABA_CLOUD_ACCESS_KEY_ID": "only-id"])) {
            XCTAssertTrue("\($0)".contains("set both"), "\($0)")
        }
    }
}
