import XCTest
final class LocalRuntimeTestsPlaceholder: XCTestCase { func testModuleBuilds() {} }
