import Foundation
import Platform
import TerminalEmulator

/// The user's clipboard, through the outer terminal (OSC 52): lines copied
/// from a pane's scrollback, and programs in panes that ask to set it — only
/// with `clipboard: allow` in the config, because an instance writing the
/// operator's clipboard could plant a command to be pasted into a shell.
extension ConsoleApp {
    /// Largest text copied in one go (before base64): the same cap as a program's request.
    static let clipboardLimit = ClipboardRequest.textLimit
    static let clipboardLimitText = "\(clipboardLimit / 1024) KiB"

    /// Puts `text` on the outer terminal's clipboard; false (with a status
    /// message naming the cap) when it is over `clipboardLimit` — never cut short.
    @discardableResult
    func copyToClipboard(_ text: String, selections: String = "c", what: String) -> Bool {
        let size = text.utf8.count
        guard size <= Self.clipboardLimit else {
            statusLine.show("not copied: \(what) is \(size) bytes, over the clipboard cap of \(Self.clipboardLimitText); select fewer lines", error: true)
            return false
        }
        // OSC 52 puts text on the clipboard of the terminal (and of tmux with set-clipboard on).
        let encoded = Data(text.utf8).base64EncodedString()
        screen?.writeControl("\u{1B}]52;\(selections);\(encoded)\u{7}")
        statusLine.show("copied \(what) to the clipboard")
        return true
    }

    /// A program in `pane` wrote OSC 52: passed on with `clipboard: allow`,
    /// otherwise dropped, and the status line says so once per pane.
    func programClipboard(_ request: ClipboardRequest, from pane: Pane) {
        let source = "a program in \(pane.instanceId)"
        chromeDirty = true
        if case .query = request {
            if pane.clipboardNotices.insert("query").inserted {
                statusLine.show("\(source) asked to read your clipboard: never allowed", seconds: 10)
            }
            return
        }
        guard options.allowProgramClipboard else {
            if pane.clipboardNotices.insert("blocked").inserted {
                statusLine.show("\(source) asked to set your clipboard: blocked (add `clipboard: allow` to \(ContextConfig.defaultFile().path) to let programs do it)", seconds: 10)
            }
            return
        }
        switch request {
        case .set(let selections, let text):
            // Only the selections terminals know; anything else means the clipboard.
            let known = selections.filter { "cps01234567".contains($0) }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            copyToClipboard(text, selections: known.isEmpty ? "c" : known, what: "\(lines) line\(lines == 1 ? "" : "s") from \(source) (clipboard: allow)")
        case .tooLong:
            statusLine.show("\(source) asked to set your clipboard to more than \(Self.clipboardLimitText): not copied", error: true)
        case .malformed:
            statusLine.show("\(source) wrote a malformed clipboard request (OSC 52): ignored", error: true)
        case .query:
            break
        }
    }
}
