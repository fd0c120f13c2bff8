import Foundation
import Yams

/// `~/.config/porthole/config.yaml` (or `$PORTHOLE_CONFIG`): named contexts, like
/// kubeconfig's, and console preferences.
///
///     current-context: staging
///     theme: dark
///     contexts:
///       - name: staging
///         backend: local            # a `porthole serve` daemon
///         server: http://127.0.0.1:7878
///         tokenFile: ~/.local/state/porthole/token
///       - name: fc-hangzhou
///         backend: fc                # Alibaba Cloud Function Compute 3.0
///         region: cn-hangzhou
///         accountId: "1234567890"    # for invoke and exec
///       - name: prod
///         backend: kubernetes       # a cluster, as kubectl reaches it
///         kubeconfig: ~/.kube/config    # optional: else $KUBECONFIG, else ~/.kube/config
///         kube-context: prod-admin      # optional: else the kubeconfig's current-context
///         namespace: payments           # optional: else the context's; or all-namespaces: true
///     keys:                         # console action -> key(s), tmux notation
///       help: F1
///       up: k Up
///     clipboard: allow              # programs in panes may set the clipboard (OSC 52); default: deny
///     session-idle-timeout: 600     # console sessions close after this long with no data
public struct ContextConfig: Sendable, Equatable {
    /// One line of `keys:`: an action name and the keys it gets. The console
    /// checks the names and clashes; `location` (`file:line`) lets it say where.
    public struct KeyEntry: Sendable, Equatable {
        public var action: String
        public var keys: [String]
        public var location: String

        public init(action: String, keys: [String], location: String) {
            self.action = action
            self.keys = keys
            self.location = location
        }
    }

    public struct Context: Sendable, Equatable {
        public var name: String
        public var backend: String
        public var server: String?
        public var tokenFile: String?
        /// `backend: fc`: the region, the account id (invoke and exec), an endpoint override.
        public var region: String? = nil
        public var accountId: String? = nil
        public var endpoint: String? = nil
        /// `backend: kubernetes`: the kubeconfig file, its context, the namespace (or all).
        public var kubeconfig: String? = nil
        public var kubeContext: String? = nil
        public var namespace: String? = nil
        public var allNamespaces: Bool = false
    }

    public var currentContext: String?
    public var theme: String?
    public var refreshSeconds: Double?
    public var prefixKey: String?
    /// The `keys:` map in file order.
    public var keys: [KeyEntry] = []
    /// `clipboard: allow`: programs in console panes may set the clipboard (OSC 52).
    public var allowProgramClipboard = false
    /// `session-idle-timeout`: seconds without data before a console session is closed.
    public var sessionIdleTimeout: Int?
    public var contexts: [Context] = []

    public init() {}

    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["PORTHOLE_CONFIG"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let base = environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("porthole/config.yaml")
    }

    /// Reads `file`; a missing file is an empty config, a broken one an error naming the key.
    public static func load(file: URL = defaultFile()) throws -> ContextConfig {
        guard let data = FileManager.default.contents(atPath: file.path) else { return ContextConfig() }
        let text = String(decoding: data, as: UTF8.self)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw PlatformError.configuration("\(file.path): not valid YAML: \(error)")
        }
        var config = ContextConfig()
        guard let mapping = node?.mapping else { return config }
        func fail(_ key: String, _ problem: String, _ at: Node?) -> PlatformError {
            let line = at?.mark.map { ":\($0.line)" } ?? ""
            return .configuration("\(file.path)\(line): \(key): \(problem)")
        }
        for (key, value) in mapping {
            switch key.string ?? "" {
            case "current-context": config.currentContext = value.string
            case "theme": config.theme = value.string
            case "refresh":
                guard let seconds = value.float, seconds > 0 else { throw fail("refresh", "expected seconds, like 2", value) }
                config.refreshSeconds = seconds
            case "prefix": config.prefixKey = value.string
            case "clipboard":
                switch value.string {
                case "allow": config.allowProgramClipboard = true
                case "deny": config.allowProgramClipboard = false
                default: throw fail("clipboard", "expected allow or deny (whether programs in panes may set your clipboard)", value)
                }
            case "session-idle-timeout":
                guard let seconds = value.int, seconds >= 0 else {
                    throw fail("session-idle-timeout", "expected whole seconds, like 600 (0: never)", value)
                }
                config.sessionIdleTimeout = seconds
            case "keys":
                guard let entries = value.mapping else {
                    throw fail("keys", "expected a mapping of action names to keys, like `help: F1`", value)
                }
                for (name, keys) in entries {
                    let action = name.string ?? "?"
                    let written: [String]
                    if let list = keys.sequence {
                        written = list.compactMap(\.string)
                    } else if let text = keys.string {
                        written = text.split(whereSeparator: \.isWhitespace).map(String.init)
                    } else {
                        written = []
                    }
                    guard !written.isEmpty else {
                        throw fail("keys: \(action)", "expected a key or a list of keys, like F1 or [k, Up]", keys)
                    }
                    let line = name.mark.map { ":\($0.line)" } ?? ""
                    config.keys.append(KeyEntry(action: action, keys: written, location: "\(file.path)\(line)"))
                }
            case "contexts":
                guard let list = value.sequence else { throw fail("contexts", "expected a list", value) }
                for (index, item) in list.enumerated() {
                    guard let context = item.mapping, let name = context["name"]?.string else {
                        throw fail("contexts[\(index)]", "expected a mapping with a name", item)
                    }
                    var entry = Context(
                        name: name, backend: context["backend"]?.string ?? "local",
                        server: context["server"]?.string, tokenFile: context["tokenFile"]?.string.map(expandTilde),
                        kubeconfig: context["kubeconfig"]?.string.map(expandTilde), kubeContext: context["kube-context"]?.string,
                        namespace: context["namespace"]?.string, allNamespaces: context["all-namespaces"]?.bool ?? false)
                    entry.region = context["region"]?.string
                    entry.accountId = context["accountId"]?.string
                    entry.endpoint = context["endpoint"]?.string
                    if entry.backend == "fc", entry.region == nil {
                        throw fail("contexts[\(index)].region", "backend fc needs a region, like cn-hangzhou", item)
                    }
                    config.contexts.append(entry)
                }
            default:
                throw fail(key.string ?? "?", "unknown key; known: current-context, theme, refresh, prefix, keys, clipboard, session-idle-timeout, contexts", key)
            }
        }
        return config
    }

    /// The backend a context names. Only `local` (a `porthole serve`) exists so far.
    public func backend(context name: String) throws -> PortholeServerBackend {
        guard let context = contexts.first(where: { $0.name == name }) else {
            let known = contexts.map(\.name).joined(separator: ", ")
            throw PlatformError.configuration("no context named \(name) in \(Self.defaultFile().path)\(known.isEmpty ? "" : "; known: \(known)")")
        }
        guard context.backend == "local" else {
            throw PlatformError.configuration("context \(name): backend \"\(context.backend)\" is not supported by this build; use backend: local with a porthole serve address")
        }
        let connection = try ServerConnection.resolve(server: context.server, tokenFile: context.tokenFile)
        return try PortholeServerBackend(connection: connection, displayName: name)
    }
}

func expandTilde(_ path: String) -> String {
    guard path.hasPrefix("~/") else { return path }
    return (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
}
