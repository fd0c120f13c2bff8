/// Why a server could not start the requested command.
public enum ExecSpawnError: Error, Equatable {
    case commandNotFound(String)
    case failed(String)
    /// The session must end at once with this status (the instance went away meanwhile).
    case refused(ExecStatus)
}
