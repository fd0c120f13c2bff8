/// The callbacks of a client exec session, the shape Function Compute's SDKs
/// offer. They run on a network thread, in order; hand work to your own thread
/// (a UI loop, say) rather than blocking here.
///
/// Named "callbacks" so that "handler" in ExecCore means only a NIO channel handler.
public struct ExecCallbacks: Sendable {
    public var onStdout: @Sendable ([UInt8]) -> Void
    public var onStderr: @Sendable ([UInt8]) -> Void
    /// Called once, after every byte of output has been delivered.
    public var onEnd: @Sendable (ExecEnd) -> Void

    public init(
        onStdout: @escaping @Sendable ([UInt8]) -> Void,
        onStderr: @escaping @Sendable ([UInt8]) -> Void = { _ in },
        onEnd: @escaping @Sendable (ExecEnd) -> Void = { _ in }
    ) {
        self.onStdout = onStdout
        self.onStderr = onStderr
        self.onEnd = onEnd
    }
}

