/// How a split lays out its children: side by side, or one below another.
enum SplitAxis: Equatable, Sendable {
    case beside
    case below
}
