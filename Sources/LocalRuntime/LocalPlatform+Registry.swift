import Foundation
import Platform

/// The registry: what functions and instances exist, as the API shows them,
/// and the provisioned targets the supervisor works towards.
extension LocalPlatform {
    public func listFunctions() -> [Function] {
        locked {
            functionOrder.compactMap { name in
                guard let spec = specs[name] else { return nil }
                var function = spec.function
                let live = instances.values.filter { $0.spec.functionName == name && $0.status.isLive }
                function.provisioned = provisionTargets[name]
                function.liveInstances = live.count
                function.activeRequests = live.reduce(0) { $0 + $1.activeRequests }
                function.invocations = functionInvocations[name, default: 0]
                return function
            }
        }
    }

    public func function(named name: String) throws -> Function {
        guard let function = listFunctions().first(where: { $0.functionName == name }) else {
            throw APIError.functionNotFound(name)
        }
        return function
    }

    /// Live instances, plus those that ended in the last `listEndedSeconds`; of one function or all.
    public func listInstances(function: String?) throws -> [Instance] {
        let now = Date()
        return try locked {
            if let function, specs[function] == nil { throw APIError.functionNotFound(function) }
            return instances.values
                .filter { function == nil || $0.spec.functionName == function }
                .filter { $0.status.isLive || now.timeIntervalSince($0.endedAt ?? now) < options.listEndedSeconds }
                .sorted { ($0.spec.functionName, $0.createdAt) < ($1.spec.functionName, $1.createdAt) }
                .map { $0.snapshot(now: now) }
        }
    }

    /// Every listed instance that changed after `cursor` (see `InstanceChangeLog`);
    /// the whole list when `cursor` is nil or no longer known.
    func instanceChanges(since cursor: UInt64?) throws -> InstanceChangeLog.Changes {
        let listed = try listInstances(function: nil)
        return changeLogLock.withLock {
            changeLog.record(listed)
            return changeLog.changes(since: cursor)
        }
    }

    public func describeInstance(function: String, id: String) throws -> InstanceDetail {
        try locked {
            guard let instance = instances[id], instance.spec.functionName == function else {
                throw APIError.instanceNotFound(id)
            }
            var facts = [
                "port": String(instance.port), "isolation": instance.isolation.rawValue,
                "code": instance.spec.codeDirectory.path,
                "command": (instance.spec.command + instance.spec.args).joined(separator: " "),
                "kind": instance.provisioned ? "provisioned" : "on-demand",
            ]
            if let pid = instance.process?.pid { facts["pid"] = String(pid) }
            if let pid = instance.namespacePid {
                facts[instance.isolation == .namespaces ? "namespace init pid" : "function pid"] = String(pid)
            }
            if instance.isolation == .namespaces { facts["hostname"] = instance.id }
            return InstanceDetail(instance: instance.snapshot(now: Date()), events: instance.events, facts: facts)
        }
    }


    /// Sets how many provisioned instances `function` keeps; extra ones stop gracefully.
    @discardableResult
    public func setProvisioned(function: String, target: Int) throws -> (target: Int, current: Int) {
        try locked {
            guard let spec = specs[function] else { throw APIError.functionNotFound(function) }
            guard (0...spec.maxInstances).contains(target) else {
                throw APIError(status: 400, code: "InvalidArgument",
                               message: "defaultTarget \(target) is out of range 0…\(spec.maxInstances) (maxInstances of \(function))")
            }
            let others = provisionTargets.filter { $0.key != function }.values.reduce(0, +)
            guard others + target <= options.limits.maxInstances else {
                throw APIError(status: 400, code: "InvalidArgument",
                               message: "defaultTarget \(target) would make \(others + target) provisioned instances, past this server's cap of \(options.limits.maxInstances) (limits.maxInstances, \(options.limits.maxInstancesSource))")
            }
            provisionTargets[function] = target
        }
        reconcileProvisioned()
        return locked {
            (target, instances.values.filter { $0.spec.functionName == function && $0.provisioned && $0.status.isLive }.count)
        }
    }

    public func provisioned(function: String) throws -> (target: Int, current: Int) {
        try locked {
            guard specs[function] != nil else { throw APIError.functionNotFound(function) }
            let current = instances.values.filter { $0.spec.functionName == function && $0.provisioned && $0.status.isLive }.count
            return (provisionTargets[function] ?? 0, current)
        }
    }

    func countInvocation(function: String) {
        functionInvocations[function, default: 0] += 1
    }


    func forgetOldTombstones() {
        let now = Date()
        locked {
            instances = instances.filter { _, instance in
                guard let ended = instance.endedAt else { return true }
                return now.timeIntervalSince(ended) < options.tombstoneSeconds
            }
        }
    }
}
