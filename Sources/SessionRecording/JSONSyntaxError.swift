/// Where and why a line is not JSON.
struct JSONSyntaxError: Error {
    var column: Int
    var message: String
}
