/// A sink for `cp INSTANCE:FILE -`: the one file's contents go to a
/// descriptor, headers are dropped. With no descriptor it only counts, which
/// checks a tar stream that is passed through whole.
final class TarContentSink: TarEntrySink {
    private let output: Int32?
    private let progress: TransferProgress?
    private(set) var files = 0
    private var inFile = false

    init(output: Int32?, progress: TransferProgress?) {
        self.output = output
        self.progress = progress
    }

    func beginEntry(_ entry: TarEntry) throws {
        inFile = entry.kind == .file
        guard inFile else { return }
        progress?.beginFile(TarExtractor.displayName(entry.path), size: entry.size)
    }

    func contents(_ bytes: UnsafeRawBufferPointer) throws {
        if let output { try TarExtractor.writeAll(output, bytes, path: "standard output") }
        progress?.add(bytes.count)
    }

    func endEntry() throws {
        guard inFile else { return }
        inFile = false
        files += 1
        progress?.endFile()
    }
}
