import Foundation
import Yams

/// A problem in a spec file, located by file, line and field.
public struct SpecError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var field: String
    public var problem: String

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "\(location): \(field): \(problem)"
    }
}

/// Reads function specs from YAML:
///
///     limits: {maxInstances: 200, startsPerSecond: 20}   # optional, the defaults
///     functions:
///       - functionName: hello
///         code: ./hello
///         customRuntimeConfig: {command: [python3, server.py], port: 9000}
public enum SpecLoader {
    static let knownFields: Set<String> = [
        "functionName", "runtime", "description", "code", "customRuntimeConfig", "environmentVariables",
        "instanceConcurrency", "memorySize", "provisioned", "idleTimeout", "maxInstances", "timeout", "handler",
    ]

    public static func load(file: URL) throws -> [FunctionSpec] {
        try loadFile(file).functions
    }

    /// The functions and the server caps of a spec file. `maxInstances` and
    /// `startsPerSecond` (the serve flags) override the file's `limits:`.
    public static func loadFile(_ file: URL, maxInstances: Int? = nil, startsPerSecond: Int? = nil) throws -> SpecFile {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw SpecError(file: file.path, line: nil, field: "(file)", problem: "cannot read: \(error.localizedDescription)")
        }
        return try parseFile(text, file: file, maxInstances: maxInstances, startsPerSecond: startsPerSecond)
    }

    public static func parse(_ text: String, file: URL) throws -> [FunctionSpec] {
        try parseFile(text, file: file).functions
    }

    public static func parseFile(_ text: String, file: URL, maxInstances: Int? = nil, startsPerSecond: Int? = nil) throws -> SpecFile {
        let path = file.path
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SpecError(file: path, line: nil, field: "functions", problem: "the file is empty; expected a `functions:` list")
            }
            root = node
        } catch let error as SpecError {
            throw error
        } catch let error as YamlError {
            throw SpecError(file: path, line: yamlErrorLine(error), field: "(yaml)", problem: "not valid YAML: \(error)")
        }
        guard let mapping = root.mapping else {
            throw SpecError(file: path, line: line(root), field: "(top level)", problem: "expected a mapping with a `functions:` list")
        }
        guard let functionsNode = mapping["functions"] else {
            throw SpecError(file: path, line: line(root), field: "functions", problem: "missing; list the functions under `functions:`")
        }
        guard let list = functionsNode.sequence else {
            throw SpecError(file: path, line: line(functionsNode), field: "functions", problem: "expected a list of functions")
        }
        let service = try serviceName(mapping["service"], file: file)
        var limits = try parseLimits(mapping["limits"], file: path)
        if let maxInstances {
            limits.maxInstances = maxInstances
            limits.maxInstancesSource = "set by --max-instances"
        }
        if let startsPerSecond { limits.startsPerSecond = startsPerSecond }
        var specs: [FunctionSpec] = []
        var seen: Set<String> = []
        var provisioned = 0
        for (index, item) in list.enumerated() {
            let spec = try parseFunction(item, index: index, file: file)
            guard seen.insert(spec.functionName).inserted else {
                throw SpecError(file: path, line: line(item), field: "functions[\(index)].functionName",
                                problem: "duplicate function name \"\(spec.functionName)\"")
            }
            provisioned += spec.provisioned
            if provisioned > limits.maxInstances {
                throw SpecError(
                    file: path, line: (item.mapping?["provisioned"]).flatMap(line) ?? line(item), field: "functions[\(index)].provisioned",
                    problem: "the provisioned instances so far add up to \(provisioned), past this server's cap of \(limits.maxInstances) live instances (limits.maxInstances, \(limits.maxInstancesSource)); lower provisioned, or raise the cap")
            }
            specs.append(spec)
        }
        return SpecFile(functions: specs, limits: limits, service: service)
    }

    /// The optional top-level `limits: {maxInstances: N, startsPerSecond: N}`.
    static func parseLimits(_ node: Node?, file path: String) throws -> PlatformLimits {
        var limits = PlatformLimits()
        guard let node else { return limits }
        guard let mapping = node.mapping else {
            throw SpecError(file: path, line: line(node), field: "limits", problem: "expected a mapping {maxInstances: N, startsPerSecond: N}")
        }
        for (key, value) in mapping {
            let name = key.string ?? "?"
            let range: ClosedRange<Int>
            switch name {
            case "maxInstances": range = 1...100_000
            case "startsPerSecond": range = 1...10_000
            default:
                throw SpecError(file: path, line: line(key), field: "limits.\(name)", problem: "unknown field; known fields: maxInstances, startsPerSecond")
            }
            guard let number = value.int else {
                throw SpecError(file: path, line: line(value), field: "limits.\(name)", problem: "expected a whole number")
            }
            guard range.contains(number) else {
                throw SpecError(file: path, line: line(value), field: "limits.\(name)",
                                problem: "\(number) is out of range \(range.lowerBound)…\(range.upperBound)")
            }
            if name == "maxInstances" {
                limits.maxInstances = number
                limits.maxInstancesSource = "set in the spec file"
            } else {
                limits.startsPerSecond = number
            }
        }
        return limits
    }

    static func parseFunction(_ node: Node, index: Int, file: URL) throws -> FunctionSpec {
        let path = file.path
        let prefix = "functions[\(index)]"
        func fail(_ field: String, _ node: Node?, _ problem: String) -> SpecError {
            SpecError(file: path, line: node.flatMap(line), field: "\(prefix).\(field)", problem: problem)
        }
        guard let mapping = node.mapping else { throw fail("", node, "expected a mapping") }
        for (key, _) in mapping {
            let name = key.string ?? "?"
            if !knownFields.contains(name) {
                throw fail(name, key, "unknown field; known fields: \(knownFields.sorted().joined(separator: ", "))")
            }
        }
        func string(_ field: String, required: Bool = false) throws -> String? {
            guard let value = mapping[field] else {
                if required { throw fail(field, node, "missing (required)") }
                return nil
            }
            guard let text = value.scalar?.string else { throw fail(field, value, "expected a string") }
            return text
        }
        func integer(_ field: String, range: ClosedRange<Int>) throws -> Int? {
            guard let value = mapping[field] else { return nil }
            guard let number = value.int else { throw fail(field, value, "expected a whole number") }
            guard range.contains(number) else {
                throw fail(field, value, "\(number) is out of range \(range.lowerBound)…\(range.upperBound)")
            }
            return number
        }

        let name = try string("functionName", required: true)!
        let validName = name.range(of: "^[A-Za-z_][A-Za-z0-9_-]{0,63}$", options: .regularExpression) != nil
        if !validName {
            throw fail("functionName", mapping["functionName"], "\"\(name)\" must start with a letter or _ and hold only letters, digits, _ and - (64 at most)")
        }
        let code = try string("code", required: true)!
        let base = file.deletingLastPathComponent()
        let codeDirectory = code.hasPrefix("/") ? URL(fileURLWithPath: code) : base.appendingPathComponent(code).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: codeDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw fail("code", mapping["code"], "\(codeDirectory.path) is not a directory")
        }

        guard let runtimeNode = mapping["customRuntimeConfig"] else {
            throw fail("customRuntimeConfig", node, "missing (required): give {command: [...], port: N}")
        }
        guard let runtimeMapping = runtimeNode.mapping else { throw fail("customRuntimeConfig", runtimeNode, "expected a mapping") }
        func stringList(_ field: String) throws -> [String]? {
            guard let value = runtimeMapping[field] else { return nil }
            if let scalar = value.scalar { return [scalar.string] }
            guard let items = value.sequence else { throw fail("customRuntimeConfig.\(field)", value, "expected a list of strings") }
            return try items.map {
                guard let text = $0.scalar?.string else { throw fail("customRuntimeConfig.\(field)", $0, "expected a string") }
                return text
            }
        }
        guard let command = try stringList("command"), !command.isEmpty else {
            throw fail("customRuntimeConfig.command", runtimeNode, "missing or empty: the command that starts the HTTP server")
        }
        var spec = FunctionSpec(functionName: name, codeDirectory: codeDirectory, command: command)
        spec.args = try stringList("args") ?? []
        if let portNode = runtimeMapping["port"] {
            guard let port = portNode.int, (1...65535).contains(port) else {
                throw fail("customRuntimeConfig.port", portNode, "expected a port number 1…65535")
            }
            spec.port = port
        }
        spec.runtime = try string("runtime") ?? "custom"
        spec.description = try string("description")
        if let envNode = mapping["environmentVariables"] {
            guard let env = envNode.mapping else { throw fail("environmentVariables", envNode, "expected a mapping of NAME: value") }
            for (key, value) in env {
                guard let variable = key.string, !variable.isEmpty, !variable.contains("=") else {
                    throw fail("environmentVariables", key, "bad variable name")
                }
                guard let text = value.scalar?.string else {
                    throw fail("environmentVariables.\(variable)", value, "expected a string value")
                }
                spec.environmentVariables[variable] = text
            }
        }
        spec.instanceConcurrency = try integer("instanceConcurrency", range: 1...200) ?? 1
        spec.memorySize = try integer("memorySize", range: 64...32768) ?? 128
        spec.maxInstances = try integer("maxInstances", range: 1...1000) ?? 10
        spec.provisioned = try integer("provisioned", range: 0...1000) ?? 0
        spec.idleTimeout = try integer("idleTimeout", range: 1...86400) ?? 60
        spec.timeout = try integer("timeout", range: 1...86400) ?? 60
        if spec.provisioned > spec.maxInstances {
            throw fail("provisioned", mapping["provisioned"], "\(spec.provisioned) is more than maxInstances (\(spec.maxInstances))")
        }
        return spec
    }

    static func line(_ node: Node) -> Int? { node.mark.map { $0.line } }

    static func yamlErrorLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): return mark.line
        default: return nil
        }
    }
}
