import ExecCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local end of a download: takes the session's stdout on the network
/// thread, reads the script's header line, then writes every byte (through a
/// `TarReader` or straight) into the staging directory or to stdout, and
/// hands it to a `ConcurrentDigest`, which hashes on a thread of its own.
/// Writing on the network thread is the backpressure: while the disk (or the
/// hash) is behind, NIO reads nothing more from the socket.
final class DownloadReceiver: @unchecked Sendable {
    /// Where the bytes go.
    enum Target {
        /// `staging/payload` (renamed into place by the caller).
        case staging(LocalPath)
        /// A descriptor (`-`).
        case stream(Int32)
    }

    private let lock = NSLock()
    private let target: Target
    private let progress: TransferProgress?
    private let remoteName: String
    private var headerBytes: [UInt8] = []
    private(set) var header: ScriptHeader?
    /// Created with the header, so only a download that starts has a hashing thread to end.
    private var digest: ConcurrentDigest?
    private(set) var received: Int64 = 0
    private(set) var failure: Error?
    private var session: ExecSession?
    private var reader: TarReader?
    private var extractor: TarExtractor?
    private var contentSink: TarContentSink?
    /// The output for the bytes that are not parsed as tar (cat mode, or a passed-through tar).
    private var rawOutput: Int32 = -1
    private var ownsRawOutput = false
    /// The file's permissions, applied to a raw download when it completes.
    private var permissions: UInt32?

    private let onNote: @Sendable (String) -> Void

    init(target: Target, remoteName: String, progress: TransferProgress?, onNote: @escaping @Sendable (String) -> Void) {
        self.target = target
        self.remoteName = remoteName
        self.progress = progress
        self.onNote = onNote
    }

    /// Hands over the session once it is open, so a local failure can end it.
    func attach(_ session: ExecSession) {
        lock.lock()
        self.session = session
        let failed = failure != nil
        lock.unlock()
        if failed { session.cancel() }
    }

    func receive(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        do {
            var start = 0
            if header == nil {
                guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
                    headerBytes += bytes
                    if headerBytes.count > 4096 { throw TransferError.unexpectedOutput(headerBytes.text) }
                    return
                }
                headerBytes += bytes[..<newline]
                start = newline + 1
                guard let parsed = ScriptHeader.parse(headerBytes) else {
                    throw TransferError.unexpectedOutput(headerBytes.text)
                }
                header = parsed
                try begin(parsed)
            }
            guard start < bytes.count else { return }
            try bytes.withUnsafeBytes { raw in
                let data = UnsafeRawBufferPointer(rebasing: raw[start...])
                // First, so the hashing thread works while this one writes.
                digest?.add(data)
                received += Int64(data.count)
                if let reader {
                    try reader.feed(data)
                }
                if rawOutput >= 0 {
                    try TarExtractor.writeAll(rawOutput, data, path: outputName)
                    if reader == nil { progress?.add(data.count) }
                }
            }
        } catch {
            failure = error
            extractor?.abandon()
            session?.cancel()
        }
    }

    private var outputName: String {
        switch target {
        case .staging(let staging): return staging.appending(TarExtractor.payloadName).description
        case .stream: return "standard output"
        }
    }

    private func begin(_ header: ScriptHeader) throws {
        guard case .download(let mode, let isDirectory, let size, _, let permissions, let fellBack) = header else { return }
        digest = ConcurrentDigest()
        // Said as soon as it is known, before the bytes flow.
        if fellBack { onNote("the instance has no tar: copying the single file with sh and cat") }
        self.permissions = permissions
        switch (target, mode) {
        case (.staging(let staging), .tar):
            let extractor = TarExtractor(staging: staging, progress: progress)
            self.extractor = extractor
            reader = TarReader(sink: extractor)
        case (.staging(let staging), .cat):
            let path = staging.appending(TarExtractor.payloadName)
            rawOutput = path.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
            guard rawOutput >= 0 else { throw TransferError.local(path: path.description, errno: errno, doing: "create") }
            ownsRawOutput = true
            progress?.beginFile(remoteName, size: size)
        case (.stream(let fd), .tar):
            // A directory goes out as the tar stream itself (as `docker cp` does); a file as its contents.
            let sink = TarContentSink(output: isDirectory ? nil : fd, progress: progress)
            contentSink = sink
            reader = TarReader(sink: sink)
            if isDirectory { rawOutput = fd }
        case (.stream(let fd), .cat):
            rawOutput = fd
            progress?.beginFile(remoteName, size: size)
        }
    }

    /// After the session ended: checks the stream was whole, closes files.
    /// Returns the local SHA-256 and the number of files written.
    func complete() throws -> (sha256: String, files: Int) {
        lock.lock()
        defer { lock.unlock() }
        defer { closeOutput() }
        if let reader {
            try reader.finish()
            extractor?.finish()
        } else {
            progress?.endFile()
        }
        let sha256 = digest?.finish() ?? ConcurrentDigest.emptySHA256
        let files = extractor?.files ?? contentSink?.files ?? 1
        return (sha256, files)
    }

    /// Releases descriptors after a failure.
    func abandon() {
        lock.lock()
        defer { lock.unlock() }
        extractor?.abandon()
        digest?.cancel()
        closeOutput()
    }

    private func closeOutput() {
        if ownsRawOutput, rawOutput >= 0 {
            if let permissions { fchmod(rawOutput, mode_t(permissions)) }
            close(rawOutput)
        }
        rawOutput = -1
    }

    /// What came instead of a header (an error a shell printed, say).
    var unrecognisedOutput: String {
        lock.lock()
        defer { lock.unlock() }
        return headerBytes.text
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
