/// A complete set of styles, one per `StyleRole`, read from a `themes/*.yaml` file.
struct Theme: Sendable {
    /// The name the user picks it by (`--theme`, `:theme`).
    var name: String
    var styles: [StyleRole: ThemeStyle]

    /// The style of a role; `ThemeLoader` guarantees every role is present.
    subscript(role: StyleRole) -> ThemeStyle {
        styles[role] ?? ThemeStyle()
    }
}
