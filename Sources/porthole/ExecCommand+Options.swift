import ArgumentParser

extension ExecCommand {
    /// The combinations of --function, --record and the rest that make sense,
    /// each refusal saying what to type instead.
    func validateFanOutAndRecording() throws {
        if recordInput && record == nil {
            throw ValidationError("--record-input needs --record FILE.cast")
        }
        if output == .json && function == nil {
            throw ValidationError("-o json is for --function; a single session's output is the command's own")
        }
        guard function != nil else {
            if instance == nil {
                throw ValidationError("give an INSTANCE id (`porthole instances` lists them), or --function FN to run in every live instance of FN")
            }
            return
        }
        if instance != nil {
            throw ValidationError("give either an INSTANCE or --function, not both (put the command after --)")
        }
        if command.isEmpty {
            throw ValidationError("--function needs a command after --, like `porthole exec --function FN -- uptime`")
        }
        if stdin || tty {
            throw ValidationError("-i and -t are for one instance; --function runs a command in each without a terminal or input")
        }
        if record != nil {
            throw ValidationError("--record records one session; give an INSTANCE to record")
        }
    }
}
