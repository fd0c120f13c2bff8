import ExecCore
import Foundation
import Platform

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileTransfer {
    /// Copies a local file or directory, or stdin (`-`), to `path` in `instance`
    /// (into it, when it is a directory there). The stream lands in a staging
    /// name beside the target; a second short exec renames it into place only
    /// after the hashes agree.
    public static func upload(
        from source: CopyOperand, instance: Instance, path: String, backend: PlatformBackend,
        options: TransferOptions = TransferOptions()
    ) async throws -> TransferReport {
        let id = instance.instanceId
        var local: LocalPath?
        var kind = "stream"
        var mode = ""
        var name: [UInt8] = []
        switch source {
        case .standardStream:
            break
        case .local(let text):
            let file = LocalPath(text)
            // The operand itself is followed when it is a link (as cp does); links inside a tree stay links.
            guard let info = file.followedStatus() else {
                throw TransferError.local(path: text, errno: (try? file.status()) == nil ? ENOENT : errno, doing: "read")
            }
            guard file.withCString({ access($0, R_OK) }) == 0 else {
                throw TransferError.local(path: text, errno: errno, doing: "read")
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: kind = "dir"
            case S_IFREG: kind = "file"
            default: throw TransferError.badArgument("\(text) is not a regular file or a directory")
            }
            mode = String(UInt32(info.st_mode) & 0o7777, radix: 8)
            name = file.lastComponent
            local = file
        case .remote:
            throw TransferError.badArgument("both sides are in instances")
        }
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        func argv(_ step: String) -> [String] {
            RemoteScript.upload(step: step, path: path, name: name.text, kind: kind, mode: mode, token: token)
        }

        let header = HeaderLine()
        let report = ScriptReport()
        var request = ExecRequest(
            functionName: instance.functionName, instanceId: id, command: argv("upload"),
            stdin: true, stdout: true, stderr: true)
        request.container = options.container
        let session = try await backend.openExec(
            request,
            handlers: ExecCallbacks(
                onStdout: { header.receive($0) }, onStderr: { report.feed($0) }, onEnd: { _ in header.end() }))
        guard session.dialect == .v5 else {
            session.cancel()
            throw TransferError.uploadUnsupported(dialect: session.dialect.rawValue)
        }
        guard let line = await header.wait(), let parsed = ScriptHeader.parse(line) else {
            session.cancel()
            let end = await session.wait()
            if let gone = goneReason(end) { throw TransferError.instanceGone(instance: id, reason: gone, arrived: 0, kept: nil) }
            throw TransferError.unexpectedOutput(([header.text] + report.diagnostics).joined(separator: "; "))
        }
        guard case .ready(let transferMode, let hashes) = parsed else {
            session.cancel()
            _ = await session.wait()
            if case .error(let code, let detail) = parsed {
                throw scriptError(code: code, detail: detail, instance: id, path: path)
            }
            throw TransferError.unexpectedOutput(header.text)
        }
        if transferMode == .cat && kind != "stream" {
            options.onNote("the instance has no tar: copying the single file with sh and cat")
        }

        // Stream: a tar of the file or tree, or the raw bytes.
        // Hashed on a thread of its own while the next chunk is read and sent.
        let digest = ConcurrentDigest()
        var sent: Int64 = 0
        var files = 0
        var sendError: Error?
        let send: ([UInt8]) async throws -> Void = { chunk in
            digest.add(chunk)
            sent += Int64(chunk.count)
            try Task.checkCancellation()
            try await session.write(chunk)
        }
        do {
            try Task.checkCancellation()
            if transferMode == .tar, let local {
                let writer = TarWriter(progress: options.progress, send: send)
                try await writer.write(local, as: TarExtractor.payloadName, followLink: true)
                try await writer.finish()
                files = writer.files
                for skipped in writer.skipped { options.onNote("skipped \(skipped): not a file, directory or link") }
            } else {
                try await sendRaw(from: local, standardInput: options.standardInput, name: name.text.nonEmpty ?? "stdin",
                                  progress: options.progress, send: send)
                files = 1
            }
            session.closeStdin()
        } catch let error as TransferError {
            sendError = error
            session.cancel()
        } catch {
            // The socket closed under us: the session's end says why.
            session.cancel()
        }
        let end = await withTaskCancellationHandler { await session.wait() } onCancel: { session.cancel() }
        // Every chunk was handed over: the thread ends on its own once they are hashed.
        let localSHA256 = digest.finish()
        if sendError != nil || Task.isCancelled {
            // A cancelled session ends the script with SIGKILL on some backends, before its
            // trap removes the staging name: a second exec does (in a task of its own, so a
            // Ctrl-C does not cancel the clean-up too).
            let abort = argv("abort")
            let container = options.container
            await Task { await runStep(abort, instance: instance, backend: backend, container: container) }.value
        }
        if let sendError { throw sendError }
        if Task.isCancelled { throw TransferError.interrupted(arrived: sent, kept: nil) }
        if let gone = goneReason(end) {
            throw TransferError.instanceGone(instance: id, reason: gone, arrived: sent, kept: nil)
        }
        guard let exitCode = report.exitCode else {
            throw TransferError.remoteFailed(
                instance: id, detail: "the copy stopped before it finished (\(end.description))", arrived: sent, kept: nil)
        }
        guard exitCode == 0, report.staged else {
            throw report.failure(instance: id, path: path, exitCode: exitCode, arrived: sent, kept: nil)
        }
        for note in report.notes { options.onNote(note) }
        let verification: TransferReport.Verification
        if hashes {
            guard report.sha256 == localSHA256 else {
                await runStep(argv("abort"), instance: instance, backend: backend, container: options.container)
                throw TransferError.checksumMismatch(sent: localSHA256, received: report.sha256 ?? "nothing", kept: nil)
            }
            verification = .sha256(localSHA256)
        } else {
            options.onNote("the instance has neither sha256sum nor openssl: checked the size only")
            verification = .size
        }
        let commit = await runStep(argv("commit"), instance: instance, backend: backend, container: options.container)
        guard commit.done else {
            await runStep(argv("abort"), instance: instance, backend: backend, container: options.container)
            throw TransferError.remoteFailed(
                instance: id, detail: "renaming the finished copy into place failed: \(commit.diagnostics.joined(separator: "; "))",
                arrived: sent, kept: nil)
        }
        return TransferReport(
            streamBytes: sent, files: files, mode: transferMode, verification: verification, destination: "\(id):\(path)")
    }

    /// Sends one file's bytes (or stdin's) as they are: the `cat` path.
    private static func sendRaw(
        from local: LocalPath?, standardInput: Int32, name: String, progress: TransferProgress?,
        send: ([UInt8]) async throws -> Void
    ) async throws {
        var fd = standardInput
        var size: Int64?
        if let local {
            fd = local.withCString { open($0, O_RDONLY | O_CLOEXEC) }
            guard fd >= 0 else { throw TransferError.local(path: local.description, errno: errno, doing: "read") }
            size = local.followedStatus().map { Int64($0.st_size) }
        }
        defer { if local != nil { close(fd) } }
        progress?.beginFile(name, size: size)
        var buffer = [UInt8](repeating: 0, count: TarWriter.chunkSize)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TransferError.local(path: local?.description ?? "standard input", errno: errno, doing: "read")
            }
            if count == 0 { break }
            try await send(Array(buffer[..<count]))
            progress?.add(count)
        }
        progress?.endFile()
    }

    /// Runs a commit or abort step of the script; returns what it reported.
    @discardableResult
    private static func runStep(_ argv: [String], instance: Instance, backend: PlatformBackend, container: String?) async -> ScriptReport {
        let report = ScriptReport()
        var request = ExecRequest(
            functionName: instance.functionName, instanceId: instance.instanceId, command: argv,
            stdin: false, stdout: true, stderr: true)
        request.container = container
        guard let session = try? await backend.openExec(
            request, handlers: ExecCallbacks(onStdout: { _ in }, onStderr: { report.feed($0) }))
        else { return report }
        _ = await session.wait()
        return report
    }
}
