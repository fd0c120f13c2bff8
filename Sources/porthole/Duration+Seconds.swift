extension Duration {
    /// The duration as seconds with a fraction, for timings shown to people and for poll timeouts.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
