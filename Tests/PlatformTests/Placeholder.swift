import XCTest
final class PlatformTestsPlaceholder: XCTestCase { func testModuleBuilds() {} }
