/// The logs endpoint's query: `follow=true|false`, `tailLines=N`.
struct LogQuery {
    var follow = false
    var tailLines: Int?

    init(_ query: String) throws {
        if let value = APIRoute.queryValue("follow", in: query) {
            switch value {
            case "true", "1", "": follow = true
            case "false", "0": follow = false
            default: throw APIError(status: 400, code: "InvalidArgument", message: "follow=\(value) is not true or false")
            }
        }
        if let value = APIRoute.queryValue("tailLines", in: query) {
            guard let lines = Int(value), lines >= 0 else {
                throw APIError(status: 400, code: "InvalidArgument", message: "tailLines=\(value) is not a number of lines: pass a whole number, 0 or more (or leave it out for the whole log)")
            }
            tailLines = lines
        }
    }
}
