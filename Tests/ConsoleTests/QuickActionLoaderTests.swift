@testable import Console
import Foundation
import ProcessHarness
import XCTest

/// actions.yaml: what a valid file gives, and every refusal naming its line and field.
final class QuickActionLoaderTests: XCTestCase {
    private let reserved = QuickActionLoader.reservedKeys(table: .standard, prefix: try! PrefixKey.parse("C-a"))

    private func parse(_ yaml: String) throws -> [QuickAction] {
        try QuickActionLoader.parse(yaml, file: "/cfg/porthole/actions.yaml", reserved: reserved)
    }

    private func assertError(_ yaml: String, line: Int?, field: String, contains text: String,
                             file: StaticString = #filePath, sourceLine: UInt = #line) {
        XCTAssertThrowsError(try parse(yaml), file: file, line: sourceLine) { error in
            guard let error = error as? QuickActionError else { return XCTFail("\(error)", file: file, line: sourceLine) }
            XCTAssertEqual(error.file, "/cfg/porthole/actions.yaml", file: file, line: sourceLine)
            XCTAssertEqual(error.line, line, "\(error)", file: file, line: sourceLine)
            XCTAssertEqual(error.field, field, "\(error)", file: file, line: sourceLine)
            XCTAssertTrue(error.description.contains(text), "\(error)", file: file, line: sourceLine)
            XCTAssertTrue(error.description.hasPrefix("/cfg/porthole/actions.yaml:\(line.map(String.init) ?? "")"), "\(error)",
                          file: file, line: sourceLine)
        }
    }

    func testReadsEveryField() throws {
        let actions = try parse("""
            actions:
              - key: C-t
                description: Capture traffic
                scope: instance
                confirm: Capture {{seconds}} s on {{interface}}?
                inputs:
                  - {name: seconds, type: number, default: 30}
                  - name: interface
                    type: choice
                    choices: [any, eth0]
                    default: any
                  - {name: note}
                command: timeout {{seconds}} tcpdump -i {{interface}} -w /tmp/c.cap
                output: background
                download: /tmp/c.cap
              - key: E
                description: Environment here
                scope: function
                local: true
                output: background
                command: env | grep PORTHOLE_
            """)
        XCTAssertEqual(actions.count, 2)
        let capture = actions[0]
        XCTAssertEqual(capture.key, KeyChord.parse("C-t"))
        XCTAssertEqual(capture.output, .background)
        XCTAssertEqual(capture.download, "/tmp/c.cap")
        XCTAssertEqual(capture.inputs.map(\.name), ["seconds", "interface", "note"])
        XCTAssertEqual(capture.inputs[0].kind, .number)
        XCTAssertEqual(capture.inputs[1].choices, ["any", "eth0"])
        XCTAssertEqual(capture.inputs[1].defaultValue, "any")
        XCTAssertEqual(capture.location, "/cfg/porthole/actions.yaml:2")
        XCTAssertEqual(capture.plain(capture.confirm ?? "", values: ["seconds": "5", "interface": "lo"]), "Capture 5 s on lo?")
        XCTAssertEqual(actions[1].scope, .function)
        XCTAssertTrue(actions[1].local)
        // An empty file and an empty list are no actions, not errors.
        XCTAssertEqual(try parse(""), [])
        XCTAssertEqual(try parse("actions:\n"), [])
    }

    func testErrorsNameTheLineAndTheField() {
        let head = "actions:\n  - key: W\n    description: write\n"
        assertError(head + "    command: true\n    outptu: pane\n", line: 5, field: "actions[0].outptu", contains: "unknown field")
        assertError(head, line: 2, field: "actions[0].command", contains: "missing")
        assertError("actions:\n  - key: C-1\n    description: x\n    command: true\n", line: 2, field: "actions[0].key",
                    contains: "not a key")
        assertError(head + "    command: true\n    scope: pod\n", line: 5, field: "actions[0].scope", contains: "instance, function")
        assertError(head + "    command: true\n    output: window\n", line: 5, field: "actions[0].output", contains: "pane, background")
        assertError(head + "    command: true\n    scope: function\n", line: 5, field: "actions[0].scope", contains: "local: true")
        assertError(head + "    command: true\n    local: true\n    output: background\n    download: /tmp/x\n", line: 7,
                    field: "actions[0].download", contains: "already on this machine")
        assertError(head + "    command: true\n    local: true\n", line: 5, field: "actions[0].output", contains: "output: background")
        assertError(head + "    command: true\n    download: tmp/x\n", line: 5, field: "actions[0].download", contains: "not absolute")
        assertError(head + "    command: echo {{who}}\n", line: 4, field: "actions[0].command", contains: "{{who}} names no input")
        assertError(head + "    command: true\n    local: maybe\n", line: 5, field: "actions[0].local", contains: "true or false")
        assertError(head + "    command: x\n    inputs:\n      - {name: n, type: number, default: lots}\n", line: 6,
                    field: "actions[0].inputs[0].default", contains: "must be a number")
        assertError(head + "    command: x\n    inputs:\n      - {name: c, type: choice}\n", line: 6,
                    field: "actions[0].inputs[0].choices", contains: "needs its choices")
        assertError(head + "    command: x\n    inputs:\n      - {name: c, type: choice, choices: [a, b], default: z}\n", line: 6,
                    field: "actions[0].inputs[0].default", contains: "one of: a, b")
        assertError(head + "    command: x\n    inputs:\n      - {name: a b}\n", line: 6, field: "actions[0].inputs[0].name",
                    contains: "letters, digits and _")
        assertError(head + "    command: x\n    inputs:\n      - {name: a, type: date}\n", line: 6, field: "actions[0].inputs[0].type",
                    contains: "string, number, choice")
        assertError(head + "    command: x\n    inputs: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}]\n", line: 5,
                    field: "actions[0].inputs", contains: "at most 4")
        assertError("actions:\n  - key: W\n    description: [unclosed\n", line: 4, field: "(yaml)", contains: "not valid YAML")
        assertError("action:\n  - key: W\n", line: 1, field: "action", contains: "one `actions:` list")
    }

    func testKeysMayNotClashWithTheConsoleOrEachOther() {
        assertError("actions:\n  - key: d\n    description: x\n    command: true\n", line: 2, field: "actions[0].key",
                    contains: "d is already the console's key for \"instance details\"")
        assertError("actions:\n  - key: U\n    description: x\n    command: true\n", line: 2, field: "actions[0].key",
                    contains: "upload a file")
        assertError("actions:\n  - key: C-a\n    description: x\n    command: true\n", line: 2, field: "actions[0].key",
                    contains: "the prefix key")
        assertError("actions:\n  - key: j\n    description: x\n    command: true\n", line: 2, field: "actions[0].key",
                    contains: "move the selection down")
        assertError("""
            actions:
              - key: W
                description: first
                command: true
              - key: W
                description: second
                command: true
            """, line: 5, field: "actions[1].key", contains: "already the key of \"first\" (/cfg/porthole/actions.yaml:2)")
        // A key rebound away in config.yaml is free for an action.
        let prefix = try! PrefixKey.parse("C-a")
        let table = try! KeyTable.standard.rebinding([.init(action: "reverse-sort", keys: ["F3"], location: "config.yaml:3")], prefix: prefix)
        XCTAssertNoThrow(try QuickActionLoader.parse(
            "actions:\n  - key: r\n    description: x\n    command: true\n", file: "a.yaml",
            reserved: QuickActionLoader.reservedKeys(table: table, prefix: prefix)))
    }

    /// Values reach the command as data, never as shell syntax, unquoted or inside double quotes.
    func testInputsReachShAsPlainValues() throws {
        let actions = try parse("""
            actions:
              - key: W
                description: echo
                inputs: [{name: a}, {name: b}]
                command: printf '[%s]\\n' {{a}} "b={{b}}" 'c={{a}}' \\"d
            """)
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-pwned-\(getpid())").path
        let nasty = "it's \"q\" $(touch \(marker)) `touch \(marker)` ; touch \(marker) \\ *"
        let line = actions[0].commandLine(values: ["a": nasty, "b": "x y'z"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(output, "[\(nasty)]\n[b=x y'z]\n[c=\(nasty)]\n[\"d]\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "a value ran as a command")
    }

    /// The shipped examples load with the standard keys, and every command is valid sh.
    func testShippedExamplesLoadAndAreValidSh() throws {
        let file = TmuxConsole.packageRoot.appendingPathComponent("docs/actions.example.yaml")
        let actions = try QuickActionLoader.load(file: file, reserved: reserved)
        XCTAssertEqual(actions.map(\.key.name), ["C", "P", "Y", "V", "N"])
        XCTAssertEqual(actions.compactMap(\.download), ["/tmp/porthole-capture.cap", "/tmp/porthole-cpu.pprof", "/tmp/porthole-pyspy.svg"])
        for action in actions {
            let defaults = Dictionary(uniqueKeysWithValues: action.inputs.map { ($0.name, $0.defaultValue ?? "x") })
            XCTAssertNoThrow(try CommandRunner.run(["/bin/sh", "-n", "-c", action.commandLine(values: defaults)]),
                             "\(action.description): not valid sh:\n\(action.commandLine(values: defaults))")
        }
    }

    func testCommentsInCommandsDoNotConfuseTheQuoting() {
        XCTAssertEqual(QuickAction.expandingPlaceholders("# it's {{a}}\necho {{a}} '{{a}}'"),
                       "# it's {{a}}\necho \"${PORTHOLE_INPUT_a}\" ''\"${PORTHOLE_INPUT_a}\"''")
    }

    func testTheFileFollowsXDGConfigHome() {
        XCTAssertEqual(QuickActionLoader.defaultFile(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]).path, "/x/porthole/actions.yaml")
        XCTAssertEqual(QuickActionLoader.defaultFile(environment: ["HOME": "/h"]).path, "/h/.config/porthole/actions.yaml")
    }

    func testInputValuesAreChecked() {
        let number = QuickActionInput(name: "n", kind: .number, defaultValue: "30")
        XCTAssertEqual(try number.accept("").get(), "30")
        XCTAssertEqual(try number.accept("-2.5").get(), "-2.5")
        XCTAssertThrowsError(try number.accept("3; rm").get())
        let choice = QuickActionInput(name: "c", kind: .choice, choices: ["a", "b"])
        XCTAssertThrowsError(try choice.accept("").get())
        XCTAssertEqual(try choice.accept("b").get(), "b")
    }

    func testDownloadsNeverOverwriteAnEarlierFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("porthole-free-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        XCTAssertEqual(ConsoleApp.freeLocalPath(for: "c.cap", in: directory), "\(directory)/c.cap")
        FileManager.default.createFile(atPath: "\(directory)/c.cap", contents: Data())
        FileManager.default.createFile(atPath: "\(directory)/c-1.cap", contents: Data())
        XCTAssertEqual(ConsoleApp.freeLocalPath(for: "c.cap", in: directory), "\(directory)/c-2.cap")
    }
}
