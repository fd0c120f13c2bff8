/// What is drawn over everything else and takes keys first.
enum Overlay {
    case help(HelpView)
    case menu(ActionMenu)
    case detail(InstanceDetailView)
    /// Which container of a pod to log in to.
    case containers(ContainerPicker)
    /// "Quit and close N sessions? y/n".
    case confirmQuit
}
