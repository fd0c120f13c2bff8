/// A quick action on its way to running: its target and the inputs typed so far.
struct QuickActionRequest: Equatable {
    let action: QuickAction
    let functionName: String
    /// Nil for a function-scoped action.
    let instanceId: String?
    var values: [String: String] = [:]
    /// Why the last value typed was refused, shown in the prompt (the status row is the prompt).
    var refusal: String?

    /// The input still to ask for, nil once all are in.
    var nextInput: QuickActionInput? {
        action.inputs.first { values[$0.name] == nil }
    }

    /// What the action acts on, for messages: the instance id or the function.
    var targetName: String { instanceId ?? functionName }
}
