@testable import Console
import Foundation
import TerminalEmulator
import XCTest

final class ThemeTests: XCTestCase {
    private let themes = TmuxConsole.packageRoot.appendingPathComponent("themes")

    func testEveryShippedThemeLoadsWithEveryRole() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: themes.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertEqual(files, ["dark.yaml", "high-contrast.yaml", "light.yaml", "solarized.yaml"])
        for file in files {
            let theme = try ThemeLoader.load(contentsOf: themes.appendingPathComponent(file))
            XCTAssertEqual(theme.name + ".yaml", file)
            XCTAssertEqual(theme.styles.count, StyleRole.allCases.count)
        }
    }

    func testBuiltinThemeIsTheDarkFile() throws {
        let file = try String(contentsOf: themes.appendingPathComponent("dark.yaml"), encoding: .utf8)
        XCTAssertEqual(BuiltinTheme.yaml, file.trimmingCharacters(in: .newlines), "regenerate BuiltinTheme.swift from themes/dark.yaml")
    }

    func testPaletteNamesAndColourForms() throws {
        let theme = try ThemeLoader.parse(Self.minimal(header: "{ fg: accent, bg: \"#102030\", attrs: [bold, underline], mono: [reverse] }"), source: "t.yaml")
        let header = theme[.header]
        XCTAssertEqual(header.foreground, .rgb(0x5f, 0xaf, 0xff))
        XCTAssertEqual(header.background, .rgb(0x10, 0x20, 0x30))
        XCTAssertEqual(header.attributes, [.bold, .underline])
        XCTAssertEqual(header.monochrome, [.reverse])
        XCTAssertEqual(theme[.screen].foreground, .indexed(12))
        XCTAssertEqual(theme[.screen].background, .default)
        XCTAssertEqual(theme[.border].foreground, .indexed(240))
    }

    func testErrorsNameTheKey() {
        let cases: [(String, String)] = [
            (Self.minimal(header: "{ fg: \"#12345\" }"), "key styles.header.fg"),
            (Self.minimal(header: "{ fg: red, attrs: [bold, shiny] }"), "key styles.header.attrs"),
            (Self.minimal(header: "{ fg: red, colour: blue }"), "unknown key styles.header.colour"),
            (Self.minimal(header: "{ fg: red }").replacingOccurrences(of: "  border:", with: "  bordr:"), "unknown key styles.bordr"),
            (Self.minimal(header: "{ fg: red }").replacingOccurrences(of: "  pane: {}\n", with: ""), "missing key styles.pane"),
            ("name: x\nstyles: [1, 2]\n", "key styles"),
            ("name: x\npalette: {accent: blurple}\nstyles: {}\n", "key palette.accent"),
            ("styles: {}\n", "missing key name"),
            ("name: [unclosed\n", "not valid YAML"),
        ]
        for (yaml, expected) in cases {
            XCTAssertThrowsError(try ThemeLoader.parse(yaml, source: "bad.yaml")) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(expected), "\"\(message)\" should name \(expected)")
                XCTAssertTrue(message.hasPrefix("bad.yaml"), message)
            }
        }
    }

    func testCatalogFindsByNameOrPathAndListsChoices() throws {
        let catalog = ThemeCatalog(directories: [themes])
        XCTAssertEqual(try catalog.load("light").name, "light")
        XCTAssertEqual(try catalog.load(themes.appendingPathComponent("solarized.yaml").path).name, "solarized")
        XCTAssertThrowsError(try catalog.load("nope")) { error in
            XCTAssertTrue("\(error)".contains("available: dark, high-contrast, light, solarized"), "\(error)")
        }
        // Without any themes directory the built-in dark theme still answers.
        let empty = ThemeCatalog(directories: [URL(fileURLWithPath: "/nonexistent")])
        XCTAssertEqual(try empty.load("dark").name, "dark")
    }

    /// A theme with every role, `header` given, the rest plain.
    static func minimal(header: String) -> String {
        var lines = ["name: test", "palette:", "  accent: \"#5fafff\"", "styles:"]
        for role in StyleRole.allCases {
            switch role {
            case .header: lines.append("  header: \(header)")
            case .screen: lines.append("  screen: { fg: brightblue, bg: default }")
            case .border: lines.append("  border: { fg: 240 }")
            default: lines.append("  \(role.rawValue): {}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
