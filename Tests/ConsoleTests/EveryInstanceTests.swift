import Foundation
import XCTest

/// "Log into every instance" through tmux: three live instances of hello, one
/// pane each, tiled, keys typed once reaching all three; then an instance going
/// (titled gone with its end) and one appearing (opened, marked new, kept out of
/// synchronized input).
final class EveryInstanceTests: ConsoleTestCase {
    /// How many times `text` starts a pane's content line (right after a border).
    static func lineStarts(_ screen: [String], _ text: String) -> Int {
        screen.map { $0.components(separatedBy: "│" + text).count - 1 }.reduce(0, +)
    }

    static func groupTitles(_ screen: [String]) -> Int {
        screen.map { $0.components(separatedBy: "⇶ sync · hello / c-").count - 1 }.reduce(0, +)
    }

    func testEveryInstancePanesTakeOneCommandAndShowInstancesComingAndGoing() throws {
        try tmux.press(":")
        try tmux.typeLine("scale hello 3")
        try tmux.press("Right")
        try tmux.press("Right")
        try tmux.waitFor("Instances · hello")
        try tmux.waitUntil("three running hello instances", timeout: 60) { screen in
            screen.filter { ($0.contains("│▶c-") || $0.contains("│ c-")) && $0.contains("Running") }.count == 3
        }
        let ids = Set(ScreenReading.tableIDs(try tmux.capture()))
        XCTAssertEqual(ids.count, 3)

        try tmux.press("L")
        try tmux.waitUntil("three synchronized hello panes, all connected", timeout: 30) { screen in
            Self.groupTitles(screen) == 3 && !ScreenReading.contains(screen, "connecting…")
        }
        try tmux.waitFor("logged into 3 instances of hello")
        XCTAssertTrue(try tmux.capture().last?.contains("SYNC") == true, "the status line says SYNC")

        // Typed once, run in all three: each pane answers with its own instance id.
        try tmux.typeLine("echo \"me=[$FC_INSTANCE_ID]\"; echo all-$((3*5))")
        let screen = try tmux.waitUntil("all-15 in three panes", timeout: 30) { Self.lineStarts($0, "all-15") == 3 }
        let answered = Set(screen.joined(separator: "\n").components(separatedBy: "│me=[").dropFirst()
            .compactMap { ScreenReading.instanceIDs(in: String($0.prefix(16))).first })
        XCTAssertEqual(answered, ids, "every instance answered once")

        // One instance goes: its pane says gone and why its session ended.
        try tmux.press("C-a", ":")
        try tmux.typeLine("scale hello 2")
        try tmux.waitUntil("a pane titled gone", timeout: 30) { screen in
            screen.contains { $0.contains("· shell · instance released · gone") }
        }
        // One appears: it opens in its own pane marked new, outside synchronized input.
        try tmux.press("C-a", ":")
        try tmux.typeLine("scale hello 3")
        try tmux.waitUntil("a pane marked new, connected", timeout: 60) { screen in
            screen.contains { $0.contains("new · hello / c-") && !$0.contains("connecting…") }
        }
        try tmux.typeLine("echo late-$((4*4))")
        try tmux.waitUntil("late-16 in the two live synchronized panes") { Self.lineStarts($0, "late-16") == 2 }
        // The new pane's shell is live and was not typed into.
        usleep(300_000)
        XCTAssertEqual(Self.lineStarts(try tmux.capture(), "late-16"), 2, "the new pane does not get synchronized keys")
    }
}

/// Past 16 live instances "log into every instance" asks first: 17 small
/// instances (a perl loop that only listens) of a function of their own.
final class EveryInstanceConfirmationTests: XCTestCase {
    var console: ConsoleLaunch!

    override func setUpWithError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-many-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("code"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let listen = #"my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ENV{FC_SERVER_PORT}, Listen => 5, ReuseAddr => 1) or die "listen: $!"; sleep"#
        let spec = """
            functions:
              - functionName: many
                runtime: custom
                code: ./code
                customRuntimeConfig:
                  command: [perl, -MIO::Socket::INET, -e, '\(listen)']
                  port: 9000
                provisioned: 17
                maxInstances: 20
                idleTimeout: 600
            """
        let file = directory.appendingPathComponent("spec.yaml")
        try spec.write(to: file, atomically: true, encoding: .utf8)
        console = try ConsoleLaunch(arguments: ["--config", file.path])
    }

    override func tearDown() {
        console?.stop()
        console = nil
    }

    func testSeventeenInstancesAskBeforeOpeningAPaneEach() throws {
        let tmux = console.tmux
        try tmux.waitUntil("17 running instances of many", timeout: 90) { screen in
            screen.filter { ($0.contains("│▶c-") || $0.contains("│ c-")) && $0.contains("Running") }.count == 17
        }
        try tmux.press("L")
        try tmux.waitFor("Log into every instance of many?")
        try tmux.waitFor("This opens 17 panes")
        try tmux.press("n")
        try tmux.waitFor("no panes opened")
        XCTAssertFalse(ScreenReading.contains(try tmux.capture(), "many / c-"), "no pane opened")

        try tmux.press("L")
        try tmux.waitFor("This opens 17 panes")
        try tmux.press("y")
        try tmux.waitUntil("17 synchronized panes", timeout: 60) { screen in
            screen.map { $0.components(separatedBy: "⇶ sync · many / c-").count - 1 }.reduce(0, +) == 17
        }
        try tmux.waitFor("logged into 17 instances of many")
    }
}
