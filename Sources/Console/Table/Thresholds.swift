/// When CPU and memory turn to the warn and critical colours.
public struct Thresholds: Sendable, Equatable {
    /// CPU percent of one core.
    public var cpuWarn: Double
    public var cpuCritical: Double
    /// Resident memory as a percent of the instance's memory limit.
    public var memoryWarn: Double
    public var memoryCritical: Double

    public init(cpuWarn: Double = 50, cpuCritical: Double = 90, memoryWarn: Double = 70, memoryCritical: Double = 90) {
        self.cpuWarn = cpuWarn
        self.cpuCritical = cpuCritical
        self.memoryWarn = memoryWarn
        self.memoryCritical = memoryCritical
    }

    /// How alarming a value is against a warn/critical pair.
    enum Level: Equatable { case normal, warn, critical }

    func level(cpu: Double?) -> Level { Self.level(cpu, warn: cpuWarn, critical: cpuCritical) }

    func level(memoryBytes: Int64?, limitBytes: Int64?) -> Level {
        guard let bytes = memoryBytes, let limit = limitBytes, limit > 0 else { return .normal }
        return Self.level(Double(bytes) * 100 / Double(limit), warn: memoryWarn, critical: memoryCritical)
    }

    private static func level(_ value: Double?, warn: Double, critical: Double) -> Level {
        guard let value else { return .normal }
        if value >= critical { return .critical }
        if value >= warn { return .warn }
        return .normal
    }
}
