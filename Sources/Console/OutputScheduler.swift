import CShims
import Foundation

/// Which pane output the UI thread takes now, tmux's way: keystrokes and the
/// focused pane's output go first. Another pane's output waits
///
/// - while a key just typed in the focused pane is being echoed, and
/// - while the outer terminal has not yet taken what was last drawn (tmux
///   stops reading a pane when its client falls behind, and redraws when it
///   catches up). Only a terminal that reports its backlog (TIOCOUTQ) can say
///   so: a pty slave always reports 0, so under tmux, xterm or ssh this never
///   holds (README, issue 15: no sign the echo waits behind unread frames).
///
/// A held pane gets a small slice per frame. Its buffer then fills, its
/// session stops receiving (`PaneOutput`'s bound), and the flooding program
/// blocks in its writes instead of taking the CPU the echo needs.
final class OutputScheduler {
    /// Panes with output waiting that were held back.
    private(set) var held: Set<PaneID> = []
    /// Bytes the outer terminal may have pending before it counts as behind:
    /// about two full frames of a large screen.
    static let backlogLimit = 32 * 1024
    /// What a held pane gets per frame.
    static let heldSlice = 16 * 1024
    private let outputFD: Int32

    init(outputFD: Int32 = STDOUT_FILENO) {
        self.outputFD = outputFD
    }

    /// Whether the outer terminal still has more than `backlogLimit` bytes of
    /// earlier frames to take.
    var outerTerminalBehind: Bool {
        porthole_output_pending(outputFD) > Self.backlogLimit
    }

    /// Whether output of `pane` should wait, given the focused pane.
    func shouldHold(_ pane: Pane, focused: Pane?) -> Bool {
        guard let focused, focused !== pane else { return false }
        return focused.isEchoing || outerTerminalBehind
    }

    func hold(_ id: PaneID) { held.insert(id) }

    /// Held panes whose reason to wait has passed; they leave the held set.
    func released(focused: Pane?, panes: [PaneID: Pane]) -> [PaneID] {
        guard !held.isEmpty else { return [] }
        let free = held.filter { id in
            guard let pane = panes[id] else { return true }
            return !shouldHold(pane, focused: focused)
        }
        held.subtract(free)
        return free.filter { panes[$0] != nil }
    }

    /// Gives every held pane its small slice; returns true when any took output.
    func trickle(_ panes: [PaneID: Pane]) -> Bool {
        var took = false
        for id in held {
            guard let pane = panes[id] else {
                held.remove(id)
                continue
            }
            if !pane.drainOutput(limit: Self.heldSlice) { held.remove(id) }
            took = true
        }
        return took
    }
}
