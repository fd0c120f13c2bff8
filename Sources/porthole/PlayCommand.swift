import ArgumentParser
import Foundation
import SessionRecording

struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Replay a recording (asciicast v2, from `porthole exec --record` or asciinema) with its original timing.",
        discussion: """
            Keys while playing: space pauses and resumes, `.` steps one event while paused, q quits.
            When stdout is not a terminal the whole output is written at once (`porthole play s.cast | less -R`).
            """)

    @Option(help: "Playback speed factor (2: twice as fast).") var speed: Double = 1
    @Option(help: "Cap every pause at this many seconds (default: the recording's idle_time_limit, else none).")
    var idleTimeLimit: Double?
    @Argument(help: "The .cast file.") var file: String

    func validate() throws {
        guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be a number above 0, like 2 or 0.5") }
        if let idleTimeLimit, !(idleTimeLimit > 0) { throw ValidationError("--idle-time-limit must be a number of seconds above 0") }
    }

    func run() async throws {
        let cast: Asciicast
        do {
            cast = try Asciicast.read(path: file)
        } catch {
            throw failure(error)
        }
        guard isatty(1) == 1 else {
            writeAll(1, Array(cast.output.utf8))
            return
        }
        let here = ExecCommand.localTerminalSize()
        if here.cols < cast.header.width || here.rows < cast.header.height {
            // As asciinema does: a smaller window wraps and scrolls what was drawn for a bigger one.
            FileHandle.standardError.write(Data(
                "porthole play: recorded at \(cast.header.width)x\(cast.header.height), this terminal is \(here.cols)x\(here.rows); enlarge it for a faithful replay\r\n".utf8))
        }
        let schedule = PlaybackSchedule(events: cast.events, speed: speed, idleTimeLimit: idleTimeLimit ?? cast.header.idleTimeLimit)
        let finished = TerminalPlayer(cast: cast, schedule: schedule).run()
        let ending = finished ? cast.end.map { "recording ended: session \($0)" } ?? "recording ended" : "replay stopped"
        FileHandle.standardError.write(Data("\r\n[porthole play: \(ending)]\r\n".utf8))
    }
}
