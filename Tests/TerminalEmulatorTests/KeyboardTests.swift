import XCTest
@testable import TerminalEmulator

final class KeyboardTests: XCTestCase {
    private func keys(_ h: Harness, _ key: TerminalKey, _ mods: KeyModifiers = []) -> String {
        h.terminal.sendKey(key, modifiers: mods)
        return printable(h.takeSent())
    }

    func testCharacters() {
        let h = Harness()
        XCTAssertEqual(keys(h, .character("a")), "a")
        XCTAssertEqual(keys(h, .character("A"), .shift), "A")
        XCTAssertEqual(keys(h, .character("é")), "é")
        XCTAssertEqual(keys(h, .character("👍🏽")), "👍🏽")
    }

    func testControlAndAltCharacters() {
        let h = Harness()
        XCTAssertEqual(h.terminal.modes.applicationCursorKeys, false)
        h.terminal.sendKey(.character("c"), modifiers: .ctrl)
        XCTAssertEqual(h.takeSent(), [0x03])
        h.terminal.sendKey(.character("C"), modifiers: .ctrl)
        XCTAssertEqual(h.takeSent(), [0x03])
        h.terminal.sendKey(.character("["), modifiers: .ctrl)
        XCTAssertEqual(h.takeSent(), [0x1B])
        h.terminal.sendKey(.character(" "), modifiers: .ctrl)
        XCTAssertEqual(h.takeSent(), [0x00])
        XCTAssertEqual(keys(h, .character("b"), .alt), "␛b")
        XCTAssertEqual(keys(h, .character("é"), .alt), "␛é")
        h.terminal.sendKey(.character("x"), modifiers: [.ctrl, .alt])
        XCTAssertEqual(h.takeSent(), [0x1B, 0x18])
        XCTAssertEqual(keys(h, .character("1"), .ctrl), "␛[49;5u", "no control byte: CSI u")
    }

    func testSpecialKeys() {
        let h = Harness()
        h.terminal.sendKey(.enter)
        XCTAssertEqual(h.takeSent(), [0x0D])
        h.terminal.sendKey(.tab)
        XCTAssertEqual(h.takeSent(), [0x09])
        XCTAssertEqual(keys(h, .tab, .shift), "␛[Z")
        h.terminal.sendKey(.backspace)
        XCTAssertEqual(h.takeSent(), [0x7F])
        h.terminal.sendKey(.escape)
        XCTAssertEqual(h.takeSent(), [0x1B])
        XCTAssertEqual(keys(h, .home), "␛[H")
        XCTAssertEqual(keys(h, .end), "␛[F")
        XCTAssertEqual(keys(h, .insert), "␛[2~")
        XCTAssertEqual(keys(h, .delete), "␛[3~")
        XCTAssertEqual(keys(h, .pageUp), "␛[5~")
        XCTAssertEqual(keys(h, .pageDown), "␛[6~")
    }

    func testFunctionKeys() {
        let h = Harness()
        XCTAssertEqual(keys(h, .function(1)), "␛OP")
        XCTAssertEqual(keys(h, .function(4)), "␛OS")
        XCTAssertEqual(keys(h, .function(5)), "␛[15~")
        XCTAssertEqual(keys(h, .function(12)), "␛[24~")
        XCTAssertEqual(keys(h, .function(5), .shift), "␛[15;2~")
        XCTAssertEqual(keys(h, .function(13)), "", "out of range: nothing")
        XCTAssertEqual(keys(h, .function(0)), "")
    }

    func testCursorKeysFollowCursorKeyMode() {
        let h = Harness()
        XCTAssertEqual(keys(h, .up), "␛[A")
        XCTAssertEqual(keys(h, .left), "␛[D")
        h.feed("\(csi)?1h")                 // DECCKM: application mode
        XCTAssertTrue(h.terminal.modes.applicationCursorKeys)
        XCTAssertEqual(h.takeSent(), [], "reading the mode sends nothing")
        XCTAssertEqual(keys(h, .up), "␛OA")
        XCTAssertEqual(keys(h, .down), "␛OB")
        XCTAssertEqual(keys(h, .right), "␛OC")
        XCTAssertEqual(keys(h, .left), "␛OD")
        XCTAssertEqual(keys(h, .up, .ctrl), "␛[1;5A", "modified keys use the CSI form")
        XCTAssertEqual(keys(h, .home), "␛OH")
        XCTAssertEqual(keys(h, .end), "␛OF")
        XCTAssertEqual(keys(h, .pageUp), "␛[5~", "not a cursor key")
        h.feed("\(csi)?1l")
        XCTAssertFalse(h.terminal.modes.applicationCursorKeys)
        XCTAssertEqual(keys(h, .down), "␛[B")
    }

    func testModifiedArrows() {
        let h = Harness()
        XCTAssertEqual(keys(h, .right, .ctrl), "␛[1;5C")
        XCTAssertEqual(keys(h, .left, .alt), "␛[1;3D")
        XCTAssertEqual(keys(h, .up, .shift), "␛[1;2A")
        XCTAssertEqual(keys(h, .down, [.ctrl, .shift]), "␛[1;6B")
    }

    func testPastePlainAndBracketed() {
        let h = Harness()
        h.terminal.paste("ls\nrm -rf x\r\n")
        XCTAssertEqual(printable(h.takeSent()), "ls\rrm -rf x\r", "line ends become CR")
        h.feed("\(csi)?2004h")
        XCTAssertTrue(h.terminal.modes.bracketedPaste)
        h.terminal.paste("echo hi\n")
        XCTAssertEqual(printable(h.takeSent()), "␛[200~echo hi\r␛[201~")
        h.terminal.paste("a\(csi)201~b")
        XCTAssertEqual(printable(h.takeSent()), "␛[200~ab␛[201~", "an end marker inside the text is removed")
        h.feed("\(csi)?2004l")
        XCTAssertFalse(h.terminal.modes.bracketedPaste)
        h.terminal.paste("x")
        XCTAssertEqual(h.takeSent(), [0x78])
    }

    func testMouseReportingModes() {
        let h = Harness()
        XCTAssertEqual(h.terminal.modes.mouseReporting, .off)
        h.feed("\(csi)?1000h")
        XCTAssertEqual(h.terminal.modes.mouseReporting, .click)
        h.feed("\(csi)?1002h")
        XCTAssertEqual(h.terminal.modes.mouseReporting, .drag)
        h.feed("\(csi)?1003h")
        XCTAssertEqual(h.terminal.modes.mouseReporting, .motion)
        XCTAssertTrue(h.terminal.modes.mouseReporting.isOn)
        h.feed("\(csi)?1003l")
        XCTAssertEqual(h.terminal.modes.mouseReporting, .off)
    }
}
