import Foundation
import TerminalEmulator

/// Theme files name colours with the same three kinds a terminal cell has
/// (default, one of 256, RGB), so theme and pane colours share one mapping to the screen.
extension TerminalColor {
    /// The names a theme may use for the 16 ANSI colours.
    static let ansiNames: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "brightblack": 8, "gray": 8, "grey": 8, "brightred": 9, "brightgreen": 10, "brightyellow": 11,
        "brightblue": 12, "brightmagenta": 13, "brightcyan": 14, "brightwhite": 15,
    ]

    /// Parses `default`, an ANSI name, `0`…`255`, `color123`, or `#rrggbb`; nil otherwise.
    init?(themeText text: String) {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        if word == "default" || word == "none" {
            self = .default
        } else if let index = Self.ansiNames[word] {
            self = .indexed(index)
        } else if let number = UInt8(word) {
            self = .indexed(number)
        } else if word.hasPrefix("color"), let number = UInt8(word.dropFirst(5)) {
            self = .indexed(number)
        } else if word.hasPrefix("#"), word.count == 7, let value = UInt32(word.dropFirst(), radix: 16) {
            self = .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
        } else {
            return nil
        }
    }
}
