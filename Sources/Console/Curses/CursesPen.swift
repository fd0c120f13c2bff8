import CNCursesW

/// A style resolved for curses: attribute bits and a colour pair number.
struct CursesPen: Equatable {
    var attributes: attr_t
    var pair: Int32

    static let plain = CursesPen(attributes: 0, pair: 0)
}
