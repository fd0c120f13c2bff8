import Foundation
import ProcessHarness
import XCTest

/// Files in and out of an instance from the console, and quick actions, on a
/// real `porthole serve`: what arrives is checked byte for byte (SHA-256 on
/// both sides, computed apart from the console), and what must not run is
/// looked for in the instance.
final class ConsoleTransferTests: XCTestCase {
    private var console: ServedConsole?
    private let token = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    override func tearDown() {
        console?.stop()
        console = nil
    }

    /// The status line once the transfer of `name` has ended, whichever way.
    private func waitForResult(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let screen = try console!.tmux.waitUntil("the end of \(name)", timeout: 60, file: file, line: line) { screen in
            screen.last.map { $0.contains("\(name) done:") || $0.contains("\(name) failed:") } == true
        }
        return screen.last ?? ""
    }

    func testDownloadUploadAndCancelFromTheConsole() throws {
        let console = try ServedConsole()
        self.console = console
        let tmux = console.tmux
        let id = try console.selectedInstance()
        let remote = "/tmp/porthole-dl-\(token).bin"
        let sparse = "/tmp/porthole-sparse-\(token).bin"
        defer { _ = try? console.exec(id, "rm -f \(remote) \(sparse) /tmp/porthole-up-\(token).bin") }
        let remoteHash = String(try console.exec(id, "head -c 3000000 /dev/urandom > \(remote) && sha256sum \(remote)").prefix(64))

        // Download from the action menu; the local side defaults to the current directory.
        try tmux.press("m")
        try tmux.waitFor("Download file…")
        try tmux.press("D")
        try tmux.waitFor("download from \(id), path in the instance: /tmp/")
        // Tab completes from the instance's listing: the token is unique there.
        try tmux.type("porthole-dl-\(token.prefix(4))")
        try tmux.press("Tab")
        try tmux.waitFor("path in the instance: /tmp/porthole-dl-\(token).bin")
        try tmux.press("Enter")
        try tmux.waitFor("(current directory; editable): \(console.work.path)/")
        try tmux.press("Enter")
        var result = try waitForResult("porthole-dl-\(token).bin")
        XCTAssertTrue(result.contains("porthole-dl-\(token).bin done: 2.9 MiB, SHA-256 verified \(remoteHash)"), result)
        let local = console.work.appendingPathComponent("porthole-dl-\(token).bin").path
        XCTAssertEqual(try ServedConsole.sha256(local), remoteHash)

        // Upload with U: the instance's sha256sum of what landed equals ours.
        let upload = console.work.appendingPathComponent("up-\(token).bin")
        try Data((0..<2_000_000).map { _ in UInt8.random(in: 0...255) }).write(to: upload)
        let localHash = try ServedConsole.sha256(upload.path)
        try tmux.press("U")
        try tmux.waitFor("local file (current directory; editable): \(console.work.path)/")
        try tmux.typeLine("up-\(token).bin")
        try tmux.waitFor("path in the instance: /tmp/")
        try tmux.typeLine("porthole-up-\(token).bin")
        result = try waitForResult("up-\(token).bin")
        // A single-file upload travels as a tar stream when the instance has tar: its hash is checked, not shown.
        XCTAssertTrue(result.contains("up-\(token).bin done: 1.9 MiB, SHA-256"), result)
        XCTAssertEqual(String(try console.exec(id, "sha256sum /tmp/porthole-up-\(token).bin").prefix(64)), localHash)

        // Two 2 GiB (sparse) downloads at once, each cancelled from the transfers overlay: nothing stays behind.
        try console.exec(id, "truncate -s 2G \(sparse)")
        let second = console.work.appendingPathComponent("second")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        for destination in [nil, second.path] {
            try tmux.press("D")
            try tmux.waitFor("path in the instance: /tmp/")
            try tmux.typeLine("porthole-sparse-\(token).bin")
            try tmux.waitFor("(current directory; editable)")
            if let destination {
                try tmux.press("C-u")
                try tmux.type(destination)
            }
            try tmux.press("Enter")
            // The status line's summary while it runs: name, percent, rate; then both together.
            try tmux.waitUntil("the running transfers' summary", timeout: 30) { screen in
                screen.last.map { destination == nil
                    ? $0.contains("↓ porthole-sparse-\(self.token).bin") && $0.contains("%") && $0.contains("/s")
                    : $0.contains("2 transfers") && $0.contains("/s") } == true
            }
        }
        try tmux.press("T")
        try tmux.waitUntil("both transfers listed as running", timeout: 10) { screen in
            screen.filter { $0.contains("porthole-sparse-\(self.token).bin") && $0.contains("/ 2.0 GiB") && $0.contains("running") }.count == 2
        }
        // x cancels the selected one (the newest), ↑ selects the other.
        try tmux.press("x")
        try tmux.waitUntil("one cancelled, one still running", timeout: 30) { screen in
            let rows = screen.filter { $0.contains("porthole-sparse-\(self.token).bin") && $0.contains("/ 2.0 GiB") }
            return rows.count == 2 && rows[1].contains("cancelled") && rows[0].contains("running")
        }
        try tmux.press("Up")
        try tmux.press("x")
        let screen = try tmux.waitUntil("both cancelled", timeout: 30) { screen in
            screen.filter { $0.contains("porthole-sparse-\(self.token).bin") && $0.contains("/ 2.0 GiB") && $0.contains("cancelled") }.count == 2
        }
        XCTAssertTrue(ScreenReading.contains(screen, "no partial file was left"), screen.joined(separator: "\n"))
        // The earlier two are listed as done.
        XCTAssertTrue(screen.contains { $0.contains("↓ \(id):\(remote) → ./") && $0.contains("done") }, screen.joined(separator: "\n"))
        XCTAssertTrue(screen.contains { $0.contains("↑ ./up-\(token).bin → \(id):/tmp/") && $0.contains("done") }, screen.joined(separator: "\n"))
        let left = try FileManager.default.contentsOfDirectory(atPath: console.work.path)
        XCTAssertEqual(left.sorted(), ["porthole-dl-\(token).bin", "second", "up-\(token).bin"], "a cancelled download left \(left)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: second.path), [], "a cancelled download left a file")
    }

    func testQuickActionsFetchAFileTakeInputsAndStopAtTheConfirm() throws {
        let report = "/tmp/porthole-report-\(token).txt"
        let marker = "/tmp/porthole-marker-\(token)"
        let pwned = "/tmp/porthole-pwned-\(token)"
        let console = try ServedConsole(actionsYAML: """
            actions:
              - key: W
                description: Write a report and fetch it
                output: background
                command: printf 'made in %s of %s\\n' "$PORTHOLE_INSTANCE" "$PORTHOLE_FUNCTION" > \(report)
                download: \(report)
              - key: E
                description: Note the function here
                scope: function
                local: true
                output: background
                command: printf '%s|%s|%s\\n' "$PORTHOLE_FUNCTION" "$PORTHOLE_INSTANCE" "$PORTHOLE_CONTEXT" > noted.txt
              - key: I
                description: Say a word
                inputs:
                  - {name: word, type: string}
                  - {name: times, type: number, default: 2}
                command: i=0; while [ $i -lt {{times}} ]; do printf 'said[%s]\\n' "{{word}}"; i=$((i+1)); done
              - key: X
                description: Make a marker
                confirm: Create \(marker)?
                command: echo marked > \(marker)
                download: \(marker)
            """)
        self.console = console
        let tmux = console.tmux
        let id = try console.selectedInstance()
        defer { _ = try? console.exec(id, "rm -f \(report) \(marker) \(pwned)") }

        // Help lists the actions.
        try tmux.press("?")
        for _ in 0..<6 { try tmux.press("PageDown") }
        try tmux.waitFor("Quick actions (actions.yaml")
        try tmux.waitFor("Write a report and fetch it (instance, in the background")
        try tmux.press("q")
        try tmux.waitUntil("help closed") { !ScreenReading.contains($0, "Help · keys") }

        // W writes a file in the instance, then the console fetches it into its directory.
        try tmux.press("W")
        let result = try waitForResult("porthole-report-\(token).txt")
        XCTAssertTrue(result.contains("done: 37 B, SHA-256 verified"), result)
        let fetched = console.work.appendingPathComponent("porthole-report-\(token).txt")
        XCTAssertEqual(try String(contentsOf: fetched, encoding: .utf8), "made in \(id) of cpu-burner\n")

        // E runs on this machine, in the console's directory, with the function in its environment.
        try tmux.press("E")
        try tmux.waitFor("Note the function here in cpu-burner (local): done", timeout: 30)
        let noted = try String(contentsOf: console.work.appendingPathComponent("noted.txt"), encoding: .utf8)
        XCTAssertTrue(noted.hasPrefix("cpu-burner||local 127.0.0.1:"), noted)

        // I asks for its inputs; a bad number is refused in the prompt; the word arrives as text.
        let word = "it's \"$HOME\" $(touch \(pwned))"
        try tmux.press("I")
        try tmux.waitFor("Say a word · word:")
        try tmux.typeLine(word)
        try tmux.waitFor("Say a word · times [2]: 2")
        try tmux.press("C-u")
        try tmux.typeLine("lots")
        try tmux.waitFor("times must be a number")
        try tmux.press("C-u")
        try tmux.typeLine("3")
        let said = try tmux.waitFor("⚡ Say a word · exited 0", timeout: 30)
        XCTAssertEqual(said.filter { $0.contains("said[\(word)]") }.count, 3, said.joined(separator: "\n"))
        XCTAssertEqual(try console.exec(id, "test -e \(pwned) && echo present || echo absent"), "absent\n")

        // X asks first; n runs nothing in the instance, y does.
        try tmux.press("C-a", "Tab")
        try tmux.press("X")
        try tmux.waitFor("Create \(marker)?")
        try tmux.press("n")
        try tmux.waitFor("Make a marker: not run")
        XCTAssertEqual(try console.exec(id, "test -e \(marker) && echo present || echo absent"), "absent\n")
        try tmux.press("C-a", "Tab")
        try tmux.press("X")
        try tmux.waitFor("Create \(marker)?")
        try tmux.press("y")
        try tmux.waitFor("⚡ Make a marker · exited 0", timeout: 30)
        XCTAssertEqual(try console.exec(id, "test -e \(marker) && echo present || echo absent"), "present\n")
        // The pane's command ended with 0: its download: file was fetched.
        XCTAssertTrue(try waitForResult("porthole-marker-\(token)").contains("done: 7 B"))
        XCTAssertEqual(try String(contentsOf: console.work.appendingPathComponent("porthole-marker-\(token)"), encoding: .utf8), "marked\n")
    }
}
