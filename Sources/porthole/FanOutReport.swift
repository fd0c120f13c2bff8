/// `porthole exec --function FN -o json`: one document for scripts.
struct FanOutReport: Encodable {
    var function: String
    var command: [String]
    /// 0 only when every instance exited 0, as porthole's own exit code.
    var exitCode: Int32
    var instances: [FanOutResult]
}
