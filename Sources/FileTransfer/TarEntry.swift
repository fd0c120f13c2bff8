/// One member of a tar stream, with the GNU/PAX long names already applied.
struct TarEntry: Equatable {
    enum Kind: Equatable {
        case file
        case directory
        case symbolicLink
        case hardLink
        /// A device, fifo or other type porthole does not recreate.
        case other(UInt8)
    }

    /// The path inside the archive, raw bytes (names need not be UTF-8).
    var path: [UInt8]
    var kind: Kind
    /// Permission bits (0o7777).
    var mode: UInt32
    var size: Int64
    var mtime: Int64
    /// For symbolic and hard links: what they point to.
    var linkTarget: [UInt8]
}

/// What a `TarReader` hands its entries and their contents to.
protocol TarEntrySink: AnyObject {
    /// A new entry starts; for files, `contents` calls follow, then `endEntry`.
    func beginEntry(_ entry: TarEntry) throws
    /// The next bytes of the current file entry.
    func contents(_ bytes: UnsafeRawBufferPointer) throws
    func endEntry() throws
}
