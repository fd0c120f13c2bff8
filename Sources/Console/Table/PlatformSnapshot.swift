import Foundation
import Platform

/// One refresh's worth of the platform: every function and every instance.
struct PlatformSnapshot: Sendable {
    var functions: [Function]
    var instances: [Instance]
    var takenAt: Date
}
