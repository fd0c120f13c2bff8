import CShims
import Foundation
import SessionRecording

/// Replays a recording on the terminal in real time and reads keys meanwhile:
/// space pauses and resumes, `.` shows the next event while paused, q (or
/// Ctrl-C) quits. Waits are poll(2) on stdin with the time left, so a key is
/// seen at once and no time is spent spinning.
struct TerminalPlayer {
    let cast: Asciicast
    let schedule: PlaybackSchedule

    private enum Key { case pauseToggle, step, quit, other }

    /// Plays to the end (true) or until the user quits (false).
    func run() -> Bool {
        let keys = isatty(0) == 1
        if keys {
            porthole_tty_raw(0)
            atexit { porthole_tty_restore(0) }
            restoreTerminalOnSignals()
        }
        defer { if keys { porthole_tty_restore(0) } }
        var alternateScreen = false
        var index = 0
        var paused = false
        while index < cast.events.count {
            var remaining = schedule.delays[index]
            var deadline = ContinuousClock.now + .seconds(remaining)
            waiting: while true {
                if !paused {
                    remaining = (deadline - ContinuousClock.now).inSeconds
                    if remaining <= 0 { break waiting }
                }
                guard keys else {
                    Thread.sleep(forTimeInterval: remaining)
                    continue
                }
                switch Self.readKey(timeout: paused ? nil : remaining) {
                case .quit?:
                    finishScreen(alternateScreen: alternateScreen)
                    return false
                case .pauseToggle?:
                    paused.toggle()
                    if !paused { deadline = ContinuousClock.now + .seconds(remaining) }
                case .step? where paused:
                    break waiting
                default: continue
                }
            }
            if case .output(let text) = cast.events[index].kind {
                writeAll(1, Array(text.utf8))
                if let on = text.range(of: "\u{1b}[?1049h", options: .backwards) {
                    alternateScreen = text.range(of: "\u{1b}[?1049l", options: .backwards).map { $0.lowerBound < on.lowerBound } ?? true
                } else if text.contains("\u{1b}[?1049l") {
                    alternateScreen = false
                }
            }
            index += 1
        }
        return true
    }

    /// A recording stopped part way may leave colours, a hidden cursor or the alternate screen on.
    private func finishScreen(alternateScreen: Bool) {
        writeAll(1, Array(("\u{1b}[0m\u{1b}[?25h" + (alternateScreen ? "\u{1b}[?1049l" : "")).utf8))
    }

    /// Waits for a key up to `timeout` seconds (nil: for ever); nil when none came.
    private static func readKey(timeout: Double?) -> Key? {
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        let milliseconds = timeout.map { Int32(min(max(0, $0 * 1000).rounded(.up), 86_400_000)) } ?? -1
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return nil }
        var byte: UInt8 = 0
        guard read(0, &byte, 1) == 1 else {
            // stdin closed: no more keys, and no busy loop on an always-readable descriptor.
            if timeout == nil { return .quit }
            Thread.sleep(forTimeInterval: timeout ?? 0)
            return nil
        }
        switch byte {
        case UInt8(ascii: " "): return .pauseToggle
        case UInt8(ascii: "."): return .step
        case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03: return .quit
        default: return .other
        }
    }

    /// Being stopped from outside must not leave the terminal raw.
    private func restoreTerminalOnSignals() {
        for signalNumber in [SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let stop = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            stop.setEventHandler {
                porthole_tty_restore(0)
                Foundation.exit(128 + signalNumber)
            }
            stop.resume()
            SignalSources.keep(stop)
        }
    }
}
