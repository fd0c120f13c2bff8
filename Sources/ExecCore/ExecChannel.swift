/// The channel byte that starts every exec WebSocket message (docs/PROTOCOL.md §1).
public enum ExecChannel: UInt8, Sendable, CaseIterable {
    case stdin = 0
    case stdout = 1
    case stderr = 2
    case status = 3
    case resize = 4
    /// v5 only: `[255, 0]` means stdin is at EOF.
    case close = 255
}
