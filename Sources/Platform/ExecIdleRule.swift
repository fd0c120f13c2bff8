/// How a platform treats an exec session's `idleTimeout` (`ExecRequest.idleTimeout`),
/// so the console can count it down honestly instead of guessing.
public enum ExecIdleRule: Sendable, Equatable {
    /// The platform has no session idle timeout (or ignores the request's).
    case none
    /// The session closes after `idleTimeout` seconds with no data either way.
    /// `keepalive`: the platform also counts `ExecSession.keepalive()` (an
    /// empty stdin message) as activity; otherwise only real data does.
    case dataOnly(keepalive: Bool)
}
