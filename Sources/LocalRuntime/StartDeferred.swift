import Foundation

/// A provisioned start held back by the starts-per-second cap until `until`.
struct StartDeferred: Error {
    var until: Date
}
