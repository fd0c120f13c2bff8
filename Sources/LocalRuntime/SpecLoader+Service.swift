import Foundation
import Yams

extension SpecLoader {
    /// The service name FC 2.0 clients use for this spec file: `service:` at
    /// the top (default `porthole`).
    public static func serviceName(file: URL) throws -> String {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw SpecError(file: file.path, line: nil, field: "(file)", problem: "cannot read: \(error.localizedDescription)")
        }
        return try serviceName(text, file: file)
    }

    static func serviceName(_ text: String, file: URL) throws -> String {
        guard let node = try? Yams.compose(yaml: text), let value = node.mapping?["service"] else { return defaultServiceName }
        guard let name = value.string, name.range(of: "^[A-Za-z_][A-Za-z0-9_-]{0,127}$", options: .regularExpression) != nil else {
            throw SpecError(file: file.path, line: value.mark.map { $0.line }, field: "service",
                            problem: "expected a name of letters, digits, `-` and `_` (no dots: FC 2.0 paths put a qualifier after a dot)")
        }
        return name
    }

    public static let defaultServiceName = "porthole"
}
