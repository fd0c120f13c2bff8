import Foundation

/// Finds theme files by name. Searched in order: an explicit path, the
/// `PORTHOLE_THEMES` directory, `~/.config/porthole/themes`, and the `themes/`
/// directory found by walking up from the executable (which covers both a build
/// in the repository and an install under `PREFIX/share/porthole/themes`).
struct ThemeCatalog {
    var directories: [URL]

    init(directories: [URL]) {
        self.directories = directories
    }

    /// The standard search path for this process.
    static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ThemeCatalog {
        var directories: [URL] = []
        if let dir = environment["PORTHOLE_THEMES"], !dir.isEmpty {
            directories.append(URL(fileURLWithPath: dir))
        }
        let home = environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".config")
        directories.append(home.appendingPathComponent("porthole/themes"))
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            directories.append(dir.appendingPathComponent("themes"))
            directories.append(dir.appendingPathComponent("share/porthole/themes"))
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        directories.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("themes"))
        return ThemeCatalog(directories: directories)
    }

    /// The file for a theme name, or the name itself when it is a path to a file.
    func url(for name: String) -> URL? {
        if name.contains("/") || name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let url = URL(fileURLWithPath: name)
            return FileManager.default.fileExists(atPath: url.path) ? url : nil
        }
        for dir in directories {
            for ext in ["yaml", "yml"] {
                let url = dir.appendingPathComponent("\(name).\(ext)")
                if FileManager.default.fileExists(atPath: url.path) { return url }
            }
        }
        return nil
    }

    /// Theme names available in the search path (for `:theme` completion and errors).
    func names() -> [String] {
        var names = Set<String>()
        for dir in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for file in files where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                names.insert(String(file[..<file.lastIndex(of: ".")!]))
            }
        }
        return names.sorted()
    }

    /// Loads a theme by name or path. The built-in dark theme answers for "dark"
    /// when no file is found, so a binary copied without its `themes/` still starts.
    func load(_ name: String) throws -> Theme {
        if let url = url(for: name) {
            return try ThemeLoader.load(contentsOf: url)
        }
        if name == BuiltinTheme.name {
            return try ThemeLoader.parse(BuiltinTheme.yaml, source: "built-in theme \(BuiltinTheme.name)")
        }
        let known = names()
        let list = known.isEmpty ? "no theme files found" : "available: \(known.joined(separator: ", "))"
        throw ThemeError("no theme named \(name) (\(list); searched \(directories.map(\.path).joined(separator: ", ")))")
    }
}
