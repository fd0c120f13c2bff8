import Foundation
import Platform

/// Idle awareness: each pane's countdown to its session's idleTimeout, the
/// warning before it, the keepalive key, and which instances sessions keep alive.
extension ConsoleApp {
    /// Once a loop pass: redraws titles whose countdown changed, warns once per
    /// idle stretch, and hands programs' clipboard requests to the policy.
    func tickPanes(now: Date) {
        for pane in workspace.panes.values where !pane.clipboardRequests.isEmpty {
            let requests = pane.clipboardRequests
            pane.clipboardRequests = []
            for request in requests { programClipboard(request, from: pane) }
        }
        // Clocks move in seconds: a few looks a second, not one per pass of a flooding loop.
        guard now.timeIntervalSince(lastIdleTick) >= 0.25 else { return }
        lastIdleTick = now
        for pane in workspace.panes.values {
            guard pane.state.isOpen, var clock = pane.idleClock else { continue }
            let text = clock.titleText(now: now)
            if text != clock.shownText {
                clock.shownText = text
                pane.chromeDirty = true
                panesDirty = true
            }
            if clock.isWarning(now: now) && !clock.warned {
                clock.warned = true
                let seconds = Int(clock.remaining(now: now).rounded(.up))
                let keep = clock.keepaliveCounts ? "\(keyName(.keepalive, .prefix)) keeps it open" : "typing in it keeps it open"
                statusLine.show("\(pane.instanceId): the session closes in \(seconds)s with no data (idleTimeout); \(keep)", seconds: 10)
                chromeDirty = true
            }
            pane.idleClock = clock
        }
        let held = Set(workspace.panes.values.filter { $0.state.isOpen }.map(\.instanceId))
        if held != instanceTable.heldHere {
            instanceTable.heldHere = held
            chromeDirty = true
        }
    }

    /// The keepalive key: an empty stdin message where the platform counts it
    /// as activity; elsewhere the status line says what does count.
    func sendKeepalive(_ pane: Pane) {
        if pane.purpose.isLog {
            statusLine.show("a log pane has no session to keep alive: reading a log keeps nothing open on the instance")
            return
        }
        guard let session = pane.session else {
            statusLine.show("the session is not open: nothing to keep alive", error: true)
            return
        }
        switch backend.execIdleRule {
        case .none:
            statusLine.show("\(backend.displayName) closes no exec session for idleness: nothing to keep alive")
        case .dataOnly(keepalive: false):
            statusLine.show("\(backend.displayName) counts only data as activity: type in the pane to keep the session open", error: true)
        case .dataOnly(keepalive: true):
            session.keepalive()
            pane.idleClock?.touch()
            pane.chromeDirty = true
            if let clock = pane.idleClock {
                statusLine.show("keepalive sent: \(pane.instanceId) stays open \(IdleClock.text(clock.timeout)) from now without data")
            } else {
                statusLine.show("keepalive sent (this session has no idle timeout: session-idle-timeout in the config sets one)")
            }
        }
    }
}
