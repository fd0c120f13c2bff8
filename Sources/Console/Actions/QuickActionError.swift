/// A problem in actions.yaml, located by file, line and field (as spec files' errors are).
struct QuickActionError: Error, Equatable, CustomStringConvertible {
    var file: String
    var line: Int?
    var field: String
    var problem: String

    var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "\(location): \(field): \(problem)"
    }
}
