/// Why a theme could not be used, naming the file and the key so the user can fix it.
struct ThemeError: Error, CustomStringConvertible, Equatable {
    let description: String
    init(_ description: String) { self.description = description }
}
