import TerminalEmulator
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How fast a `Terminal` swallows program output, against `memcpy` of the same
/// bytes in the same chunks (the ceiling), so the figure means something on a
/// shared, noisy machine. Inputs are made in memory:
///
/// - `seq`: "1\r\n2\r\n…", what `seq` puts through a pty (ONLCR): short
///   lines, one scroll per line;
/// - `colour`: words wrapped in SGR 256-colour and RGB runs, 80-column lines.
///
/// The pane must never be what limits a shell: the pty on the reference
/// machine delivers about 18 MB/s, the goal is 10× that.
enum TerminalFeedBenchmark {
    /// One input's figures (medians over the repetitions).
    struct Result {
        var name: String
        var bytes: Int
        var megabytesPerSecond: Double
        var memcpyMegabytesPerSecond: Double
        /// Terminal throughput as a fraction of memcpy's.
        var ratioToMemcpy: Double { megabytesPerSecond / memcpyMegabytesPerSecond }
    }

    /// Feeds about `megabytes` MB of each input `repetitions` times into an
    /// 80×24 terminal in 64 KiB chunks (a pty read's worth). Prints nothing.
    static func run(megabytes: Int = 32, repetitions: Int = 5, cols: Int = 80, rows: Int = 24) -> [Result] {
        let size = max(1, megabytes) * 1_000_000
        return [("seq", seqInput(bytes: size)), ("colour", colourInput(bytes: size))].map { name, input in
            let feed = median((0..<max(1, repetitions)).map { _ in
                let terminal = Terminal(cols: cols, rows: rows)
                return seconds { feedInChunks(input, into: terminal) }
            })
            let copy = median((0..<max(1, repetitions)).map { _ in seconds { copyInChunks(input) } })
            return Result(name: name, bytes: input.count,
                          megabytesPerSecond: Double(input.count) / feed / 1e6,
                          memcpyMegabytesPerSecond: Double(input.count) / copy / 1e6)
        }
    }

    static let chunk = 64 * 1024

    private static func feedInChunks(_ input: [UInt8], into terminal: Terminal) {
        input.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset + chunk, all.count)
                terminal.feed(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
    }

    /// The ceiling: the same bytes, the same chunks, only copied.
    private static func copyInChunks(_ input: [UInt8]) {
        let destination = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
        defer { destination.deallocate() }
        var checksum: UInt8 = 0
        input.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let count = min(chunk, all.count - offset)
                memcpy(destination, all.baseAddress! + offset, count)
                checksum &+= destination.load(as: UInt8.self)   // keep the copy observable
                offset += count
            }
        }
        blackHole(checksum)
    }

    @inline(never)
    private static func blackHole(_ value: UInt8) {
        if value == 0xFF && getpid() == 0 { print(value) }
    }

    static func seqInput(bytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 16)
        var n = 1
        while out.count < bytes {
            out.append(contentsOf: String(n).utf8)
            out.append(contentsOf: [0x0D, 0x0A])
            n += 1
        }
        return out
    }

    static func colourInput(bytes: Int) -> [UInt8] {
        let words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa"]
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 128)
        var i = 0, column = 0
        while out.count < bytes {
            let word = words[i % words.count]
            let colour: String
            switch i % 3 {
            case 0: colour = "\u{1B}[38;5;\(i % 256)m"
            case 1: colour = "\u{1B}[38;2;\(i % 256);\((i * 7) % 256);\((i * 13) % 256)m"
            default: colour = "\u{1B}[1;48;5;\((i * 5) % 256)m"
            }
            out.append(contentsOf: (colour + word + "\u{1B}[0m ").utf8)
            column += word.count + 1
            if column > 70 {
                out.append(contentsOf: [0x0D, 0x0A])
                column = 0
            }
            i += 1
        }
        return out
    }

    private static func seconds(_ body: () -> Void) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        body()
        clock_gettime(CLOCK_MONOTONIC, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
