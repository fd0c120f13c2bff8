import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Platform

/// The answer an instance gave to one invocation.
public struct InvocationResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var instanceId: String
}

extension LocalPlatform {
    /// The most an invocation body or response may hold (Function Compute's limit for synchronous calls).
    static let maxPayload = 6 * 1024 * 1024

    /// Routes one invocation to a running instance with a free concurrency slot,
    /// starting an on-demand instance when none has one (up to `maxInstances`);
    /// past that it waits up to `slotWait`, then answers 429.
    public func invoke(
        function: String, method: HTTPMethod = .POST, path: String = "/", headers: [(String, String)] = [], body: [UInt8]
    ) async throws -> InvocationResponse {
        guard let spec = locked({ specs[function] }) else { throw APIError.functionNotFound(function) }
        // Waiting for a busy slot is bounded by slotWait; a cold start we caused may take startTimeout.
        var deadline = Date().addingTimeInterval(options.slotWait)
        locked { waiting[function, default: 0] += 1 }
        var instance: RuntimeInstance?
        while instance == nil {
            let (acquired, shouldLaunch) = acquireSlot(spec)
            if let acquired {
                instance = acquired
                break
            }
            if shouldLaunch {
                do {
                    try launch(spec, provisioned: false)
                    deadline = max(deadline, Date().addingTimeInterval(options.startTimeout))
                } catch {
                    locked { waiting[function, default: 1] -= 1 }
                    throw error
                }
                continue
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { break }
            await waitForChange(timeout: min(remaining, 0.5))
        }
        locked { waiting[function, default: 1] -= 1 }
        guard let instance else {
            throw APIError(
                status: 429, code: "ResourceExhausted",
                message: "every instance of \(function) is busy (maxInstances \(spec.maxInstances), instanceConcurrency \(spec.instanceConcurrency)) and no slot freed within \(Int(options.slotWait)) s; retry later, or raise maxInstances or instanceConcurrency")
        }
        defer { releaseSlot(instance) }
        return try await forward(to: instance, method: method, path: path, headers: headers, body: body)
    }

    /// Takes a free slot if one exists; otherwise says whether a new instance should start.
    private func acquireSlot(_ spec: FunctionSpec) -> (RuntimeInstance?, Bool) {
        locked {
            let mine = instances.values.filter { $0.spec.functionName == spec.functionName && $0.status.isLive }
            let free = mine
                .filter { $0.status == .running && $0.activeRequests < spec.instanceConcurrency }
                .min { ($0.activeRequests, $0.createdAt) < ($1.activeRequests, $1.createdAt) }
            if let free {
                free.activeRequests += 1
                free.invocations += 1
                free.lastActivity = Date()
                countInvocation(function: spec.functionName)
                return (free, false)
            }
            // Start another instance only when the ones already starting cannot absorb the waiting calls.
            let starting = mine.filter { $0.status == .starting }.count
            let absorbed = starting * spec.instanceConcurrency
            // Past the starts-per-second cap the call waits (bounded by slotWait) and asks again.
            let launch = mine.count < spec.maxInstances && (waiting[spec.functionName] ?? 0) > absorbed && !isShuttingDown
                && startRateAllows(now: Date())
            return (nil, launch)
        }
    }

    private func releaseSlot(_ instance: RuntimeInstance) {
        locked {
            instance.activeRequests -= 1
            instance.lastActivity = Date()
        }
        wakeSlotWaiters()
    }

    private func forward(
        to instance: RuntimeInstance, method: HTTPMethod, path: String, headers: [(String, String)], body: [UInt8]
    ) async throws -> InvocationResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(instance.port)\(path.hasPrefix("/") ? path : "/" + path)")
        request.method = method
        for (name, value) in headers where !["host", "content-length", "authorization", "connection"].contains(name.lowercased()) {
            request.headers.add(name: name, value: value)
        }
        request.headers.add(name: "x-fc-instance-id", value: instance.id)
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(instance.spec.timeout)))
            let buffer = try await response.body.collect(upTo: Self.maxPayload)
            let status = Int(response.status.code)
            if status >= 500 { locked { instance.errors += 1 } }
            let passed = response.headers.filter { !["content-length", "connection", "transfer-encoding"].contains($0.name.lowercased()) }
            return InvocationResponse(
                status: status, headers: passed.map { ($0.name, $0.value) },
                body: Array(buffer.readableBytesView), instanceId: instance.id)
        } catch {
            locked { instance.errors += 1 }
            throw APIError(
                status: 502, code: "FunctionInvocationFailed",
                message: "instance \(instance.id) of \(instance.spec.functionName) did not answer: \(error); see its log in \(options.stateDirectory.logsDirectory.path)/\(instance.id).log")
        }
    }
}
