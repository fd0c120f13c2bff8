import FileTransfer
import Platform
import Foundation

/// `T`: every transfer and background action, with bytes, rate, progress and
/// state; ↑↓ select, `x` (or Delete) cancels the selected one, Esc closes.
/// Below the list, the selected job's full result: the verified SHA-256 or
/// the error sentence FileTransfer gave.
final class TransfersView {
    private(set) var selectedID: Int?

    enum Outcome: Equatable { case stay, close, cancel(Int) }

    func handle(_ press: KeyPress, jobs: [BackgroundJob]) -> Outcome {
        switch press.key {
        case .up, .character("k"): move(by: -1, jobs: jobs)
        case .down, .character("j"): move(by: 1, jobs: jobs)
        case .delete, .character("x"):
            if let job = selected(in: jobs) { return .cancel(job.id) }
        case .escape, .enter, .character("q"), .character("T"): return .close
        default: break
        }
        return .stay
    }

    /// The selected job: the one chosen, else the newest.
    func selected(in jobs: [BackgroundJob]) -> BackgroundJob? {
        jobs.first { $0.id == selectedID } ?? jobs.last
    }

    private func move(by step: Int, jobs: [BackgroundJob]) {
        guard !jobs.isEmpty else { return }
        let index = selected(in: jobs).flatMap { job in jobs.firstIndex { $0 === job } } ?? jobs.count - 1
        selectedID = jobs[max(0, min(jobs.count - 1, index + step))].id
    }

    /// One row's columns after the title: bytes, progress, rate, state.
    static func columns(_ job: BackgroundJob) -> String {
        var bytes = "", percent = "", rate = ""
        if let snapshot = job.progress?.snapshot {
            if let size = snapshot.fileSize, snapshot.filesDone == 0 {
                bytes = "\(ByteCountText.short(snapshot.fileBytes)) / \(ByteCountText.short(size))"
            } else {
                bytes = ByteCountText.short(snapshot.totalBytes) + (snapshot.filesDone > 1 ? " (\(snapshot.filesDone) files)" : "")
            }
            percent = job.fraction.map { "\(Int($0 * 100))%" } ?? ""
            let seconds = job.elapsed
            rate = seconds > 0 ? "\(ByteCountText.short(Int64(Double(snapshot.totalBytes) / seconds)))/s" : ""
        } else {
            bytes = ByteCountText.duration(job.elapsed)
        }
        return Format.fit(bytes, 22) + " " + Format.fit(percent, 5, alignRight: true) + "  " + Format.fit(rate, 12) + " "
            + job.state.word
    }

    func draw(on screen: Screen, in area: Rect, jobs: [BackgroundJob]) {
        let listRows = max(1, min(jobs.count, area.height - 8))
        let rect = OverlayFrame.centred(width: 120, height: listRows + 7, in: area)
        OverlayFrame.draw(on: screen, rect, title: "Transfers · ↑↓ select · x cancel · Esc close")
        let inner = rect.inset(by: 1)
        guard inner.width > 10, inner.height > 0 else { return }
        let pen = screen.pen(.dialog)
        if jobs.isEmpty {
            screen.put("No transfers yet: D downloads from the selected instance, U uploads to it (from a pane: prefix D / U).",
                       row: inner.y + 1, col: inner.x + 1, width: inner.width - 2, pen: pen)
            return
        }
        let chosen = selected(in: jobs)
        // Keep the selected row in view.
        let chosenIndex = chosen.flatMap { job in jobs.firstIndex { $0 === job } } ?? 0
        let top = max(0, min(chosenIndex - listRows + 1, jobs.count - listRows))
        let columnsWidth = 54
        for row in 0..<listRows {
            let index = max(0, top) + row
            guard jobs.indices.contains(index) else { break }
            let job = jobs[index]
            let y = inner.y + 1 + row
            let rowPen = job === chosen ? screen.pen(.menuSelected) : pen
            screen.fill(row: y, col: inner.x, width: inner.width, pen: rowPen)
            let titleWidth = max(10, inner.width - columnsWidth - 3)
            screen.put(Format.fit(job.title, titleWidth), row: y, col: inner.x + 1, width: titleWidth, pen: rowPen)
            screen.put(Self.columns(job), row: y, col: inner.x + 2 + titleWidth, width: inner.maxX - inner.x - titleWidth - 3,
                       pen: job.state.message != nil && job.state.word != "done" && job !== chosen ? screen.pen(.statusLineError) : rowPen)
        }
        // The selected job's result in full, wrapped over the last rows.
        if let chosen {
            let text = chosen.state.message ?? "\(chosen.title) — running"
            let width = inner.width - 2
            var lines: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty && lines.count < 3 {
                let piece = rest.prefix(width)
                lines.append(String(piece))
                rest = rest.dropFirst(piece.count)
            }
            for (offset, line) in lines.enumerated() {
                screen.put(line, row: inner.y + 2 + listRows + offset, col: inner.x + 1, width: width, pen: screen.pen(.dialogKey))
            }
        }
    }
}
