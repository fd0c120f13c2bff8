import Foundation
import XCTest

/// A test with a fresh `porthole` console on the embedded demo platform, up and
/// showing its instances, in its own tmux session.
class ConsoleTestCase: XCTestCase {
    var console: ConsoleLaunch!
    var tmux: TmuxConsole { console.tmux }

    override func setUpWithError() throws {
        console = try ConsoleLaunch()
        // The demo platform is up when its three functions have running instances.
        try tmux.waitUntil("the demo functions and a running instance", timeout: 60) { screen in
            ["cpu-burner", "env-printer", "hello", "Running"].allSatisfy { ScreenReading.contains(screen, $0) }
        }
    }

    override func tearDown() {
        console?.stop()
        console = nil
    }

    /// Logs into the selected instance and waits for its shell; returns the instance id.
    @discardableResult
    func loginSelected(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let screen = try tmux.capture()
        let id = try XCTUnwrap(ScreenReading.selectedInstanceID(screen), "no selected instance on screen", file: file, line: line)
        try tmux.press("Enter")
        try tmux.waitFor("/ \(id) · shell", file: file, line: line)
        // The shell is ready when it answers.
        try tmux.typeLine("echo ready-$((40+2))-\(id.suffix(4))")
        try tmux.waitFor("ready-42-\(id.suffix(4))", file: file, line: line)
        return id
    }

    /// A mouse event as an xterm sends it (X10 encoding): button 0 press, 3 release, 64/65 wheel.
    func mouse(button: Int, column: Int, row: Int) throws {
        let bytes = [0x1B, 0x5B, 0x4D, 32 + button, 33 + column, 33 + row].map { String(format: "%02x", $0) }
        try tmux.sendHex(bytes)
    }

    func click(column: Int, row: Int) throws {
        try mouse(button: 0, column: column, row: row)
        try mouse(button: 3, column: column, row: row)
    }
}
