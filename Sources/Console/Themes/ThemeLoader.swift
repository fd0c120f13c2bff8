import Foundation
import TerminalEmulator
import Yams

/// Reads and validates a theme file. The schema is strict (unknown keys and
/// missing roles are errors) so a typo in a theme is reported, not silently
/// drawn in the terminal's default colours.
///
/// ```yaml
/// name: dark
/// palette:            # optional names for colours used below
///   accent: "#5fafff"
/// styles:
///   header: { fg: accent, bg: "#262626", attrs: [bold], mono: [reverse] }
/// ```
enum ThemeLoader {
    static func load(contentsOf url: URL) throws -> Theme {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ThemeError("cannot read theme file \(url.path): \(error.localizedDescription)")
        }
        return try parse(text, source: url.path)
    }

    static func parse(_ text: String, source: String) throws -> Theme {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ThemeError("\(source): not valid YAML: \(error)")
        }
        guard let top = root?.mapping else {
            throw ThemeError("\(source): a theme is a mapping with the keys name, palette, styles")
        }
        var name: String?
        var palette: [String: TerminalColor] = [:]
        var stylesNode: Node.Mapping?
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "name":
                guard let text = value.scalar?.string, !text.isEmpty else {
                    throw ThemeError("\(source)\(lineSuffix(value)): key name: must be a non-empty string")
                }
                name = text
            case "description":
                continue
            case "palette":
                guard let map = value.mapping else {
                    throw ThemeError("\(source)\(lineSuffix(value)): key palette: must map names to colours")
                }
                for (paletteKey, colorNode) in map {
                    let colorName = paletteKey.string ?? ""
                    guard let text = colorNode.scalar?.string, let color = TerminalColor(themeText: text) else {
                        throw ThemeError(
                            "\(source)\(lineSuffix(colorNode)): key palette.\(colorName): \(describe(colorNode)) is not a colour (\(colourHelp))")
                    }
                    palette[colorName.lowercased()] = color
                }
            case "styles":
                guard let map = value.mapping else {
                    throw ThemeError("\(source)\(lineSuffix(value)): key styles: must map style names to styles")
                }
                stylesNode = map
            default:
                throw ThemeError("\(source)\(lineSuffix(keyNode)): unknown key \(key) (a theme has name, description, palette, styles)")
            }
        }
        guard let name else { throw ThemeError("\(source): missing key name") }
        guard let stylesNode else { throw ThemeError("\(source): missing key styles") }

        var styles: [StyleRole: ThemeStyle] = [:]
        for (keyNode, value) in stylesNode {
            let key = keyNode.string ?? ""
            guard let role = StyleRole(rawValue: key) else {
                throw ThemeError("\(source)\(lineSuffix(keyNode)): unknown key styles.\(key) (known: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            styles[role] = try parseStyle(value, path: "styles.\(key)", palette: palette, source: source)
        }
        if let missing = StyleRole.allCases.first(where: { styles[$0] == nil }) {
            throw ThemeError("\(source): missing key styles.\(missing.rawValue)")
        }
        return Theme(name: name, styles: styles)
    }

    private static let colourHelp = "use default, an ANSI name such as brightblue, a number 0-255, #rrggbb, or a palette name"

    private static func parseStyle(_ node: Node, path: String, palette: [String: TerminalColor], source: String) throws -> ThemeStyle {
        guard let map = node.mapping else {
            throw ThemeError("\(source)\(lineSuffix(node)): key \(path): must be a mapping with fg, bg, attrs, mono")
        }
        var style = ThemeStyle()
        var mono: CellAttributes?
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            let keyPath = "\(path).\(key)"
            switch key {
            case "fg", "bg":
                guard let text = value.scalar?.string,
                      let color = palette[text.lowercased()] ?? TerminalColor(themeText: text)
                else {
                    throw ThemeError("\(source)\(lineSuffix(value)): key \(keyPath): \(describe(value)) is not a colour (\(colourHelp))")
                }
                if key == "fg" { style.foreground = color } else { style.background = color }
            case "attrs", "mono":
                let attributes = try parseAttributes(value, path: keyPath, source: source)
                if key == "attrs" { style.attributes = attributes } else { mono = attributes }
            default:
                throw ThemeError("\(source)\(lineSuffix(keyNode)): unknown key \(keyPath) (a style has fg, bg, attrs, mono)")
            }
        }
        style.monochrome = mono ?? style.attributes
        return style
    }

    private static func parseAttributes(_ node: Node, path: String, source: String) throws -> CellAttributes {
        let words: [Node]
        if let sequence = node.sequence {
            words = Array(sequence)
        } else if node.scalar != nil {
            words = [node]
        } else {
            throw ThemeError("\(source)\(lineSuffix(node)): key \(path): must be a list such as [bold, underline]")
        }
        var attributes: CellAttributes = []
        for word in words {
            guard let text = word.scalar?.string, let attribute = CellAttributes.themeNames[text.lowercased()] else {
                throw ThemeError(
                    "\(source)\(lineSuffix(word)): key \(path): \(describe(word)) is not an attribute (use \(CellAttributes.themeNames.keys.sorted().joined(separator: ", ")))")
            }
            attributes.insert(attribute)
        }
        return attributes
    }

    private static func lineSuffix(_ node: Node) -> String {
        guard let mark = node.mark else { return "" }
        return ":\(mark.line)"
    }

    private static func describe(_ node: Node) -> String {
        if let text = node.scalar?.string { return "\"\(text)\"" }
        return "this value"
    }
}
