/// Why a typed input value was refused, shown in the input's prompt.
struct QuickActionInputRefusal: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
