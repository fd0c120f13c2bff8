import Crypto
import ExecCore
import Foundation
import Platform

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies files and directories between this machine and an instance, over
/// the exec core alone (`PlatformBackend.openExec`), so it works on every
/// backend with nothing installed in the instance beyond `sh` and `cat`.
///
/// ```swift
/// let report = try await FileTransfer.copy(
///     from: .remote(instance: "c-1a2b", path: "/tmp/tcpdump.cap"), to: .local("."), backend: backend)
/// ```
public enum FileTransfer {
    /// Copies `source` to `destination`; exactly one of them must be in an instance.
    public static func copy(
        from source: CopyOperand, to destination: CopyOperand, backend: PlatformBackend,
        options: TransferOptions = TransferOptions()
    ) async throws -> TransferReport {
        switch (source, destination) {
        case (.remote(let id, let path), .local), (.remote(let id, let path), .standardStream):
            let instance = try await backend.findInstance(id: id)
            return try await download(instance: instance, path: path, to: destination, backend: backend, options: options)
        case (.local, .remote(let id, let path)), (.standardStream, .remote(let id, let path)):
            let instance = try await backend.findInstance(id: id)
            return try await upload(from: source, instance: instance, path: path, backend: backend, options: options)
        case (.remote, .remote):
            throw TransferError.badArgument("both sides are in instances; copy to a local path first, then on to the other instance")
        default:
            throw TransferError.badArgument("neither side is in an instance; write one as INSTANCE:PATH (c-1a2b:/tmp/file)")
        }
    }

    // MARK: Download

    /// Copies `path` in `instance` to a local path (into it, when it is a directory) or to `-`.
    public static func download(
        instance: Instance, path: String, to destination: CopyOperand, backend: PlatformBackend,
        options: TransferOptions = TransferOptions()
    ) async throws -> TransferReport {
        let id = instance.instanceId
        let remoteName = LocalPath(path).lastComponent
        // The copy is named after what it copies; "/" or "." names nothing (and tar would spill the whole tree).
        guard !remoteName.isEmpty, remoteName != Array("/".utf8), remoteName != Array(".".utf8),
            remoteName != Array("..".utf8)
        else {
            throw TransferError.badArgument(
                "\(id):\(path) names no file or directory; give the path of one (\(id):/tmp/out.cap, \(id):/var/log/app)")
        }
        var final: LocalPath?
        var staging: LocalPath?
        let target: DownloadReceiver.Target
        switch destination {
        case .standardStream:
            target = .stream(options.standardOutput)
        case .local(let text):
            var place = LocalPath(text)
            if place.isDirectory { place = place.appending(remoteName) }
            // A copy never mixes into an existing directory, so a failure cannot leave one half-changed.
            if place.isDirectory { throw TransferError.localExists(path: place.description) }
            staging = try makeStaging(beside: place)
            final = place
            target = .staging(staging!)
        case .remote:
            throw TransferError.badArgument("both sides are in instances")
        }

        let receiver = DownloadReceiver(
            target: target, remoteName: remoteName.text, progress: options.progress, onNote: options.onNote)
        let report = ScriptReport()
        var request = ExecRequest(
            functionName: instance.functionName, instanceId: id, command: RemoteScript.download(path: path),
            stdin: false, stdout: true, stderr: true)
        request.container = options.container
        let session: ExecSession
        do {
            session = try await backend.openExec(
                request, handlers: ExecCallbacks(onStdout: { receiver.receive($0) }, onStderr: { report.feed($0) }))
        } catch {
            staging?.removeTree()
            throw error
        }
        receiver.attach(session)
        // Cancelling the task (Ctrl-C in the CLI) closes the session; the checks below then clean up.
        let end = await withTaskCancellationHandler { await session.wait() } onCancel: { session.cancel() }

        /// Removes the staging directory, or keeps what arrived as NAME.partial; returns where.
        func discard() -> String? {
            receiver.abandon()
            defer { staging?.removeTree() }
            guard options.keepPartial, let staging, let final else { return nil }
            let payload = staging.appending(TarExtractor.payloadName)
            guard (try? payload.status()) != nil else { return nil }
            let kept = LocalPath(final.bytes + Array(".partial".utf8))
            kept.removeTree()
            let moved = payload.withCString { from in kept.withCString { rename(from, $0) } }
            return moved == 0 ? kept.description : nil
        }

        if let failure = receiver.failure {
            _ = discard()
            throw namedAfterDestination(failure, staging: staging, final: final)
        }
        if Task.isCancelled { throw TransferError.interrupted(arrived: receiver.received, kept: discard()) }
        guard let header = receiver.header else {
            _ = discard()
            if let gone = goneReason(end) {
                throw TransferError.instanceGone(instance: id, reason: gone, arrived: 0, kept: nil)
            }
            throw TransferError.unexpectedOutput(
                [receiver.unrecognisedOutput, report.diagnostics.joined(separator: "; "), end.description]
                    .filter { !$0.isEmpty }.joined(separator: "; "))
        }
        guard case .download(let mode, _, let size, let hashes, _, _) = header else {
            _ = discard()
            if case .error(let code, let detail) = header {
                throw scriptError(code: code, detail: detail, instance: id, path: path)
            }
            throw TransferError.unexpectedOutput("\(header)")
        }
        let arrived = receiver.received
        if let gone = goneReason(end) {
            throw TransferError.instanceGone(instance: id, reason: gone, arrived: arrived, kept: discard())
        }
        guard let exitCode = report.exitCode else {
            throw TransferError.remoteFailed(
                instance: id, detail: "the copy stopped before it finished (\(end.description))", arrived: arrived,
                kept: discard())
        }
        // GNU tar exits 1 when a file changed while it was read: the stream is still whole, say so.
        let changedWhileRead = mode == .tar && exitCode == 1
            && report.diagnostics.allSatisfy { $0.contains("changed as we read") || $0.contains("Exiting with failure") }
        if exitCode != 0 && !changedWhileRead {
            throw report.failure(instance: id, path: path, exitCode: exitCode, arrived: arrived, kept: discard())
        }
        if changedWhileRead {
            options.onNote("tar in the instance warned: \(report.diagnostics.joined(separator: "; "))")
        }
        let local: (sha256: String, files: Int)
        do {
            local = try receiver.complete()
        } catch {
            throw TransferError.remoteFailed(instance: id, detail: "\(error)", arrived: arrived, kept: discard())
        }
        let verification: TransferReport.Verification
        if hashes {
            guard let remote = report.sha256 else {
                throw TransferError.remoteFailed(
                    instance: id, detail: "the instance did not report its SHA-256", arrived: arrived, kept: discard())
            }
            guard remote == local.sha256 else {
                throw TransferError.checksumMismatch(sent: remote, received: local.sha256, kept: discard())
            }
            verification = .sha256(local.sha256)
        } else {
            options.onNote("the instance has neither sha256sum nor openssl: checked the size only")
            if mode == .cat, let size, size != arrived {
                throw TransferError.sizeMismatch(expected: size, received: arrived, kept: discard())
            }
            verification = .size
        }
        if let staging, let final {
            let payload = staging.appending(TarExtractor.payloadName)
            if (try payload.status()) == nil {
                // An archive with no entry we recreate (a lone device file, say).
                staging.removeTree()
                throw TransferError.remoteFailed(instance: id, detail: "\(path) is not a file, directory or link", arrived: arrived, kept: nil)
            }
            let moved = payload.withCString { from in final.withCString { rename(from, $0) } }
            if moved != 0 {
                let code = errno
                staging.removeTree()
                throw TransferError.local(path: final.description, errno: code, doing: "rename the finished copy to")
            }
            staging.removeTree()
        }
        return TransferReport(
            streamBytes: arrived, files: local.files, mode: mode, verification: verification,
            destination: final?.description ?? "-")
    }

    /// `parent/.porthole-cp-XXXXXX`, on the destination's filesystem so the final rename is atomic.
    static func makeStaging(beside place: LocalPath) throws -> LocalPath {
        var template = place.parent.appending(".porthole-cp-XXXXXX").bytes.map { CChar(bitPattern: $0) } + [0]
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw TransferError.local(path: place.parent.description, errno: errno, doing: "write into")
        }
        // mkdtemp filled in the X's of the template itself.
        return LocalPath(template.dropLast().map { UInt8(bitPattern: $0) })
    }

    /// A local error on `staging/payload…` names `final…` instead: the staging
    /// name is gone by the time the user reads it, the destination is what they typed.
    static func namedAfterDestination(_ error: Error, staging: LocalPath?, final: LocalPath?) -> Error {
        guard case .local(let path, let code, let doing) = error as? TransferError, let staging, let final else { return error }
        let inside = staging.appending(TarExtractor.payloadName).description
        guard path.hasPrefix(inside) else { return error }
        return TransferError.local(path: final.description + path.dropFirst(inside.count), errno: code, doing: doing)
    }

    /// The phrase for an end that means the instance (or the way to it) went away.
    static func goneReason(_ end: ExecEnd) -> String? {
        switch end {
        case .exited, .commandNotFound: return nil
        // Function Compute reports no exit code: the script's own `exit` line decides.
        case .failed(let reason, _) where reason == "NoExitCode": return nil
        default: return end.summary + ": " + end.description
        }
    }

    static func scriptError(code: String, detail: String, instance: String, path: String) -> TransferError {
        let location = detail.isEmpty ? path : detail
        switch code {
        case "notfound": return .remoteNotFound(instance: instance, path: location)
        case "permission": return .remotePermissionDenied(instance: instance, path: location, detail: "checked by test -r/-w")
        case "notar": return .directoryNeedsTar(instance: instance, path: path)
        case "nomv": return .remoteFailed(instance: instance, detail: "the instance has no mv, which a directory upload needs", arrived: 0, kept: nil)
        case "exists": return .remoteExists(instance: instance, path: location)
        default: return .unexpectedOutput("error \(code) \(detail)")
        }
    }
}
