import Foundation
import Platform

/// A log pane: the instance's output log, read on a background task the way
/// exec output arrives (filtered, into `output`, one inbox event per batch),
/// nothing typed ever sent anywhere.
extension Pane {
    /// Starts reading the log; the outcome comes back as inbox events
    /// (`logFollowing`, output, then `logEnded` with this stream's generation).
    func openLog(backend: any PlatformBackend, inbox: Inbox, previous: Bool) {
        stopLogReader()
        logGeneration += 1
        if logGeneration > 1 {
            writeNote("[reading the log again: up to its last \(PanePurpose.logTailLines) lines]")
        }
        state = .connecting
        chromeDirty = true
        let request = LogRequest(
            function: functionName, instanceId: instanceId, container: container,
            follow: !previous, tailLines: PanePurpose.logTailLines, previous: previous)
        let gate = LogFlowGate()
        logGate = gate
        output.setFlowControl { receiving in gate.setReceiving(receiving) }
        let output = self.output
        let recorder = self.recorder
        let id = self.id
        let generation = logGeneration
        logReader = Task.detached {
            let stream: LogStream
            do {
                stream = try await backend.streamLogs(request)
            } catch {
                inbox.post(.logEnded(id, generation: generation, .refused("\(error)")))
                return
            }
            inbox.post(.logFollowing(id, generation: generation))
            var filter = LogOutputFilter()
            do {
                for try await chunk in stream {
                    // Past the high-water mark the next chunk waits (the pane is behind).
                    await gate.waitWhileClosed()
                    if Task.isCancelled { break }
                    let bytes = filter.filter(chunk)
                    guard !bytes.isEmpty else { continue }
                    recorder.output(bytes) {
                        if output.append(bytes) { inbox.post(.paneOutput(id)) }
                    }
                }
                inbox.post(.logEnded(id, generation: generation, .endOfLog(followed: request.follow)))
            } catch {
                inbox.post(.logEnded(id, generation: generation, .broken("\(error)")))
            }
        }
    }

    /// The stream is open: the title says so.
    func logFollowing(generation: Int) {
        guard generation == logGeneration, case .connecting = state else { return }
        state = .following
        chromeDirty = true
    }

    /// The stream stopped: every byte read is shown, then a line saying why.
    func logEnded(_ end: LogEnd, generation: Int, reopenKey: String) {
        guard generation == logGeneration, !state.isFinished else { return }
        while drainOutput() {}
        output.setFlowControl(nil)
        logReader = nil
        logGate = nil
        state = .logEnded(end)
        chromeDirty = true
        writeNote("[" + end.note(instanceId: instanceId, reopenKey: reopenKey) + "]")
    }

    /// Cancels the reading task (its request ends with it) and lets it past the gate.
    func stopLogReader() {
        logReader?.cancel()
        logGate?.openForGood()
        logReader = nil
        logGate = nil
    }
}
