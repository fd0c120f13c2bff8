/// What a finished copy moved and how it was checked.
public struct TransferReport: Sendable, Equatable {
    /// How the bytes were checked.
    public enum Verification: Sendable, Equatable {
        /// SHA-256 of the stream, computed on both sides, equal.
        case sha256(String)
        /// The instance could not hash; the sizes (or the tar structure) agreed.
        case size
    }

    /// Bytes of the stream between the two sides (a tar stream counts its headers).
    public var streamBytes: Int64
    /// Regular files written.
    public var files: Int
    public var mode: TransferMode
    public var verification: Verification
    /// Where the copy now is: a local path, `INSTANCE:PATH`, or `-`.
    public var destination: String
}
