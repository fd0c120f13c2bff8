import XCTest

/// A test class whose tests share one `porthole serve` (`ServeFixture`), started
/// before the class's first test and stopped after its last: what the fc
/// backend's and the official SDKs' tests run against.
class ServeFixtureTestCase: XCTestCase {
    nonisolated(unsafe) private static var fixture: ServeFixture?
    nonisolated(unsafe) private static var fixtureError: Error?

    override class func setUp() {
        super.setUp()
        do {
            ServeFixtureTestCase.fixture = try ServeFixture()
        } catch {
            ServeFixtureTestCase.fixtureError = error
        }
    }

    override class func tearDown() {
        ServeFixtureTestCase.fixture?.stop()
        ServeFixtureTestCase.fixture = nil
        ServeFixtureTestCase.fixtureError = nil
        super.tearDown()
    }

    /// The class's server; throws why it did not start.
    func serveFixture() throws -> ServeFixture {
        guard let fixture = ServeFixtureTestCase.fixture else {
            throw ServeFixtureTestCase.fixtureError ?? ServeFixture.Failure("porthole serve did not start")
        }
        return fixture
    }
}
