#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a copy failed, each with what to do about it.
public enum TransferError: Error, Equatable, CustomStringConvertible {
    /// An operand the command line cannot use.
    case badArgument(String)
    /// The path does not exist in the instance.
    case remoteNotFound(instance: String, path: String)
    /// The instance's user may not read (or write) the path.
    case remotePermissionDenied(instance: String, path: String, detail: String)
    /// The instance's filesystem filled up while writing.
    case remoteDiskFull(instance: String, path: String)
    /// The destination in the instance is an existing directory a copy would mix into.
    case remoteExists(instance: String, path: String)
    /// A directory cannot be copied without tar in the instance.
    case directoryNeedsTar(instance: String, path: String)
    /// A local call failed (not found, permission, disk full…), with errno.
    case local(path: String, errno: Int32, doing: String)
    /// The local destination is an existing directory a copy would mix into.
    case localExists(path: String)
    /// The instance went away (released, failed, connection lost) mid-transfer.
    case instanceGone(instance: String, reason: String, arrived: Int64, kept: String?)
    /// The user stopped the copy (Ctrl-C).
    case interrupted(arrived: Int64, kept: String?)
    /// The bytes that arrived are not the bytes that were sent.
    case checksumMismatch(sent: String, received: String, kept: String?)
    /// The instance could not hash and the sizes differ.
    case sizeMismatch(expected: Int64, received: Int64, kept: String?)
    /// The instance's side failed; its own words are in `detail`.
    case remoteFailed(instance: String, detail: String, arrived: Int64, kept: String?)
    /// The backend's exec cannot signal end of input (v4, Function Compute), which an upload needs.
    case uploadUnsupported(dialect: String)
    /// The instance answered with something other than porthole's transfer script output.
    case unexpectedOutput(String)

    public var description: String {
        switch self {
        case .badArgument(let text):
            return text
        case .remoteNotFound(let instance, let path):
            return "\(instance):\(path): no such file or directory in the instance; check the path with `porthole exec \(instance) -- ls -la DIR`"
        case .remotePermissionDenied(let instance, let path, let detail):
            return "\(instance):\(path): permission denied in the instance (\(detail)); pick a path its user can access (`porthole exec \(instance) -- id`)"
        case .remoteDiskFull(let instance, let path):
            return "\(instance):\(path): the instance's disk is full; free space there (`porthole exec \(instance) -- df -h`) or copy to another filesystem such as /tmp; nothing was left behind"
        case .remoteExists(let instance, let path):
            return "\(instance):\(path) already exists as a directory; remove it first or copy to a new name"
        case .directoryNeedsTar(let instance, let path):
            return "\(instance):\(path) is a directory and the instance has no tar; copy its files one by one, or install tar in the instance"
        case .local(let path, let code, let doing):
            let reason = String(cString: strerror(code))
            switch code {
            case ENOENT, ENOTDIR:
                return "\(path): no such file or directory (cannot \(doing) it); check the local path"
            case EACCES, EPERM, EROFS:
                return "\(path): \(reason) (cannot \(doing) it); pick a path you can write or read"
            case ENOSPC, EDQUOT:
                return "\(path): the local disk is full (\(reason)); free space or copy elsewhere; nothing was left behind"
            default:
                return "\(path): cannot \(doing) it: \(reason)"
            }
        case .localExists(let path):
            return "\(path) already exists as a directory; remove it first or copy to a new name"
        case .instanceGone(let instance, let reason, let arrived, let kept):
            return "instance \(instance) went away mid-transfer (\(reason)) after \(Self.bytes(arrived)) arrived; "
                + Self.keptPhrase(kept) + "; copy again from a live instance (`porthole instances`)"
        case .interrupted(let arrived, let kept):
            return "interrupted after \(Self.bytes(arrived)) arrived; " + Self.keptPhrase(kept)
        case .checksumMismatch(let sent, let received, let kept):
            return "the copy does not match (corrupted, or the file changed while it was copied): SHA-256 there \(sent), here \(received); " + Self.keptPhrase(kept) + "; copy again"
        case .sizeMismatch(let expected, let received, let kept):
            return "the copy is incomplete: \(Self.bytes(expected)) expected, \(Self.bytes(received)) received; " + Self.keptPhrase(kept) + "; copy again"
        case .remoteFailed(let instance, let detail, let arrived, let kept):
            let tail = arrived > 0 ? " after \(Self.bytes(arrived)); " + Self.keptPhrase(kept) : ""
            return "the copy failed in instance \(instance): \(detail)\(tail)"
        case .uploadUnsupported(let dialect):
            return "this backend's exec (\(dialect)) cannot close a command's input, which an upload needs; upload through a backend that speaks v5.channel.k8s.io"
        case .unexpectedOutput(let text):
            return "the instance did not run porthole's copy script as expected (it said: \(text.prefix(200))); is /bin/sh a POSIX shell there?"
        }
    }

    static func keptPhrase(_ kept: String?) -> String {
        kept.map { "the partial copy is kept at \($0)" } ?? "no partial file was left (--keep-partial keeps one)"
    }

    /// "64.0 MiB (67108864 bytes)", for messages.
    static func bytes(_ count: Int64) -> String {
        "\(ByteCountText.short(count)) (\(count) bytes)"
    }
}
