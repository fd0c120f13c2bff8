import Foundation
import Platform

extension LocalPlatform {
    /// For benchmarks and tests of large fleets: adds `count` Running records of
    /// `function` that stand for instances but run no process (10,000 real
    /// processes would not fit on a test machine). They list, describe and age
    /// like any instance; exec into one fails as into an instance whose process
    /// is gone; they leave on shutdown. Give the function a long `idleTimeout`,
    /// or the supervisor releases them as idle. Returns their ids.
    @discardableResult
    public func addStandIns(count: Int, function: String) throws -> [String] {
        try locked {
            guard let spec = specs[function] else { throw APIError.functionNotFound(function) }
            let now = Date()
            return (0..<max(0, count)).map { _ in
                var id: String
                repeat { id = RuntimeInstance.newId() } while instances[id] != nil
                let instance = RuntimeInstance(id: id, spec: spec, provisioned: false, isolation: .process, port: 0, now: now)
                instance.status = .running
                instance.runningAt = now
                instance.cpuPercent = 0
                instance.memoryBytes = 4 << 20
                instance.record("created as a stand-in (no process)", at: now)
                instances[id] = instance
                return id
            }
        }
    }
}
