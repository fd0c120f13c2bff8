/// An error the local platform answers with: HTTP status plus Function
/// Compute's `{"Code","Message","RequestId"}` body. Messages say what to do.
public struct APIError: Error, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func functionNotFound(_ name: String) -> APIError {
        APIError(status: 404, code: "FunctionNotFound", message: "function \(name) does not exist; run `porthole functions` to list them")
    }

    static func instanceNotFound(_ id: String) -> APIError {
        APIError(status: 404, code: "InstanceNotFound", message: "instance \(id) does not exist; run `porthole instances` to list the live ones")
    }

    static func unauthorized() -> APIError {
        APIError(status: 401, code: "Unauthorized", message: "missing or wrong bearer token; clients read it from the file `porthole serve --token-file` names (default: the state directory's token)")
    }
}
