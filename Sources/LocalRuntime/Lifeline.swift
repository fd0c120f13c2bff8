import CShims
import Foundation

/// A pipe whose write end lives only in this process, never written and never
/// closed: when the process dies, even by SIGKILL, the kernel closes it, and
/// every porthole-init holding the read end (as fd 3, `--lifeline 3`) sees the
/// hang-up and takes its instance or session down. This is how instances die
/// with their server without PR_SET_PDEATHSIG, which would follow the spawning
/// thread rather than the process.
enum Lifeline {
    /// The read end to pass to children; -1 if the pipe could not be made.
    static let readEnd: Int32 = porthole_lifeline_pipe()
}
