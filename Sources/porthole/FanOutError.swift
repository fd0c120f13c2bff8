/// Why a fan-out did not start.
enum FanOutError: Error, CustomStringConvertible {
    case noLiveInstances(function: String)

    var description: String {
        switch self {
        case .noLiveInstances(let function):
            return "function \(function) has no live instance to run in; `porthole invoke \(function)` starts one, `porthole instances \(function)` lists them"
        }
    }
}
