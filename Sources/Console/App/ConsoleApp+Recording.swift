import Foundation
import Platform
import SessionRecording

/// Recording a pane (`{prefix} R`): asciicast v2 files in the state directory's
/// `recordings/`, output and resizes only, the session's end as the last marker.
extension ConsoleApp {
    /// Where pane recordings go: `$XDG_STATE_HOME/porthole/recordings`, else
    /// `~/.local/state/porthole/recordings` (`$PORTHOLE_STATE_DIR/recordings` when set).
    var recordingsDirectory: URL { StateDirectory.standard().recordingsDirectory }

    /// `{prefix} R`: starts or stops recording the pane's session.
    func toggleRecording(_ pane: Pane) {
        if pane.recorder.isRecording {
            pane.recordsNextSession = false
            if let saved = pane.recorder.finish(.reason("recording stopped; the session went on")) {
                reportSaved(saved, prefix: "recording stopped")
            }
        } else if pane.state.isFinished {
            // An ended pane records its next session from the start, so the audit log can name the file.
            pane.recordsNextSession.toggle()
            statusLine.show(pane.recordsNextSession
                ? "the next session in \(pane.instanceId) is recorded from its start: \(keyName(.reconnectEnded, .pane)) reconnects"
                : "the next session in \(pane.instanceId) is not recorded")
        } else if !pane.state.isOpen, !pane.state.isFollowing {
            statusLine.show("the session in \(pane.instanceId) is still connecting: \(keyName(.record, .prefix)) again once it is open", error: true)
        } else if let path = startRecording(pane, midSession: true), pane.purpose.isLog {
            statusLine.show("recording the log to \(path) · \(keyName(.record, .prefix)) stops", seconds: 10)
        } else if let path = pane.recorder.path {
            // The session already told the server what it is; only a recording that starts with it is in its audit line.
            statusLine.show("recording to \(path) · mid-session: not in the server's audit line · \(keyName(.record, .prefix)) stops",
                            seconds: 10)
        }
        pane.chromeDirty = true
        chromeDirty = true
    }

    /// Opens a recording file for the pane at its current size; nil (and an error
    /// on the status line) when the file cannot be made. Mid-session, the file
    /// opens with the pane's screen as it is now (every byte received fed first).
    @discardableResult
    func startRecording(_ pane: Pane, midSession: Bool = false) -> String? {
        do {
            let writer = try PaneRecorder.makeWriter(
                functionName: pane.functionName, instanceId: pane.instanceId, purpose: pane.purpose,
                cols: pane.terminal.cols, rows: pane.terminal.rows, directory: recordingsDirectory)
            pane.recorder.start(writer) {
                guard midSession else { return [] }
                while pane.drainOutput() {}
                return ScreenSnapshot.bytes(of: pane.terminal)
            }
            panesDirty = true
            pane.chromeDirty = true
            return writer.path
        } catch {
            statusLine.show("cannot record \(pane.instanceId): \(error)", error: true, seconds: 10)
            return nil
        }
    }

    /// Before a pane reconnects: a pane set to record its next session starts its file now,
    /// so the exec request (and the server's audit line) names it.
    func startRecordingWithSession(_ pane: Pane) -> String? {
        guard pane.recordsNextSession, !pane.recorder.isRecording else { return nil }
        return startRecording(pane)
    }

    /// The session ended: its end is the recording's last marker; the pane's next
    /// session records too when there can be one (`canReconnect`: the instance is live).
    func finishRecording(_ pane: Pane, end: RecordedEnd, canReconnect: Bool) {
        guard let saved = pane.recorder.finish(end) else { return }
        pane.recordsNextSession = canReconnect
        reportSaved(saved, prefix: "session ended; recording saved")
    }

    private func reportSaved(_ saved: (path: String, error: AsciicastError?), prefix text: String) {
        if let error = saved.error {
            statusLine.show("recording incomplete: \(error)", error: true, seconds: 10)
        } else {
            statusLine.show("\(text): \(saved.path)", seconds: 10)
        }
    }
}
