import Foundation

/// The demo functions shipped inside the package: the platform a new user
/// sees when no `--config` is given.
public enum DemoFunctions {
    /// The demo spec file inside the resource bundle.
    public static var specFile: URL {
        Bundle.module.url(forResource: "Demo", withExtension: nil)!.appendingPathComponent("functions.yaml")
    }

    public static func load() throws -> [FunctionSpec] {
        try SpecLoader.load(file: specFile)
    }
}
