import Foundation
import Platform

/// An instance as the console shows it: the platform's latest word on it, plus
/// when it disappeared (released rows fade out rather than vanish mid-keystroke).
struct InstanceRecord: Equatable, Sendable {
    var instance: Instance
    /// When the console first saw it released or gone; nil while it is live.
    var goneSince: Date?

    var id: String { instance.instanceId }
    var isGone: Bool { goneSince != nil }
}
