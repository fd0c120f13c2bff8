/// How a copy runs.
public struct TransferOptions: Sendable {
    /// The container to exec in (Kubernetes pods with several); nil for the default.
    public var container: String?
    /// On failure, keep what arrived as `NAME.partial` instead of removing it.
    public var keepPartial = false
    /// Counts bytes and files as they move; nil for none.
    public var progress: TransferProgress?
    /// One-line notices for the user (a fallback to `cat`, no hashing in the instance).
    public var onNote: @Sendable (String) -> Void = { _ in }
    /// The descriptors `-` means: stdin for an upload, stdout for a download.
    public var standardInput: Int32 = 0
    public var standardOutput: Int32 = 1

    public init(container: String? = nil, keepPartial: Bool = false, progress: TransferProgress? = nil,
                onNote: @escaping @Sendable (String) -> Void = { _ in }) {
        self.container = container
        self.keepPartial = keepPartial
        self.progress = progress
        self.onNote = onNote
    }
}
