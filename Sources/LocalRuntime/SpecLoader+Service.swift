import Foundation
import Yams

extension SpecLoader {
    /// The service name FC 2.0 clients use for a spec file: its top-level
    /// `service:` node (default `porthole`).
    static func serviceName(_ value: Node?, file: URL) throws -> String {
        guard let value else { return defaultServiceName }
        guard let name = value.string, name.range(of: "^[A-Za-z_][A-Za-z0-9_-]{0,127}$", options: .regularExpression) != nil else {
            throw SpecError(file: file.path, line: value.mark.map { $0.line }, field: "service",
                            problem: "expected a name of letters, digits, `-` and `_` (no dots: FC 2.0 paths put a qualifier after a dot)")
        }
        return name
    }

    public static let defaultServiceName = "porthole"
}
