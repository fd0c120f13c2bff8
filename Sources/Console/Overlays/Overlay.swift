/// What is drawn over everything else and takes keys first.
enum Overlay {
    case help(HelpView)
    case menu(ActionMenu)
    case detail(InstanceDetailView)
    /// Which container of a pod to log in to.
    case containers(ContainerPicker)
    /// "Quit and close N sessions? y/n".
    case confirmQuit
    /// Downloads, uploads and background actions.
    case transfers(TransfersView)
    /// A quick action's `confirm:` question: y runs it.
    case confirmAction(QuickActionRequest)
    /// "Open N panes, one per live instance of FUNCTION? y/n" (past the threshold).
    case confirmEveryInstance(function: String, count: Int)
}
