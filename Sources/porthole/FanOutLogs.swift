import ArgumentParser
import Foundation
import KubernetesBackend
import Platform

/// `porthole logs --function FN`: the log of every live instance of FN at once,
/// each line behind its instance's id, like stern or `kubectl logs -l … --prefix`.
/// Lines are written whole, so instances never mix inside a line. Without -f
/// each log is read to its current end and porthole exits (1 if any could not
/// be read). With -f the function's instances are listed again every
/// `pollInterval`, and new ones are followed as they appear, from their first
/// line (`+ id` on stderr; `- id (ended)` when a log ends); one that came and
/// went between two listings is read whole. porthole runs until interrupted or
/// until stdout's reader goes, as stern does: a function with no instance now
/// may get one later.
struct FanOutLogs {
    let function: String
    let follow: Bool
    let tailLines: Int?
    let container: String?
    let previous: Bool
    let server: ServerOptions

    /// How often -f lists the instances again: the console's refresh cadence.
    static let pollInterval = Duration.seconds(2)
    /// -f: how many polls in a row a live instance's log may fail to open (a
    /// starting instance may have none yet) before the error is reported.
    static let openAttempts = 3
    /// Without -f, at most this many logs are read at once (each holds a connection).
    static let parallelReads = 8
    /// With -f, at most this many logs are followed at once: each holds one of
    /// the client's connections, and listing needs one too. The rest wait
    /// for a log to end and are picked up at the next listing after that.
    static let maxFollowed = PortholeServerBackend.maxFollowedLogs

    /// Runs until done and returns the exit code to leave with.
    func run() async throws -> ExitCode {
        let backend: any PlatformBackend
        let listed: [Instance]
        do {
            backend = try server.backend()
            do {
                listed = try await instances(on: backend)
            } catch {
                await closing(backend)
                throw error
            }
        } catch {
            throw failure(error)
        }
        let first = listed.filter { $0.status.isLive }.sorted { $0.instanceId < $1.instanceId }
        if first.isEmpty {
            note(follow
                 ? "no live instance of \(function) yet; waiting for one (Ctrl-C stops)"
                 : "no live instance of \(function), so no log to show; `porthole invoke \(function)` starts one")
            if !follow {
                await closing(backend)
                return .success
            }
        }
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let printer = PrefixedLinePrinter(
            instanceIds: first.map(\.instanceId), colorStdout: !noColor && isatty(1) == 1, colorStderr: !noColor && isatty(2) == 1)
        let endedBefore = Set(listed.filter { !$0.status.isLive }.map(\.instanceId))
        let work = Task { await printAll(first, endedBefore: endedBefore, on: backend, printer: printer) }
        // `logs -f --function F | head` must end when head does, even if every log is quiet.
        let watch = StdoutWatch.start { work.cancel() }
        let failed = await work.value
        watch?.stop()
        await closing(backend)
        return failed ? ExitCode(1) : .success
    }

    /// Reads the logs (and, following, polls for new instances) until done;
    /// true when something failed that makes the exit code 1. `endedBefore`:
    /// instances listed at the start that had already ended, left alone.
    private func printAll(_ first: [Instance], endedBefore: Set<String>, on backend: any PlatformBackend, printer: PrefixedLinePrinter) async -> Bool {
        await withTaskGroup(of: LogFanOutEvent.self) { group in
            var waiting = first
            var running = 0
            /// Ids being read or already read (and still listed), so each is printed once.
            var seen = endedBefore
            var openFailures: [String: Int] = [:]
            var failed = false
            var listingBroken = false
            /// Live instances told about not being followed yet (-f, past `maxFollowed`).
            var toldWaiting: Set<String> = []

            // --tail trims what was written before porthole started; an instance
            // that started later wrote all of it since, so it is read whole.
            let present = Set(first.map(\.instanceId))
            func start(_ instance: Instance) {
                seen.insert(instance.instanceId)
                running += 1
                printer.add(instance.instanceId)
                let tail = present.contains(instance.instanceId) ? tailLines : nil
                // One that started and ended between two listings (a crash at start) is read whole, not followed.
                let follow = follow && instance.status.isLive
                group.addTask { await printLog(of: instance, follow: follow, tailLines: tail, on: backend, printer: printer) }
            }
            func startWaiting() {
                while !waiting.isEmpty && running < (follow ? Self.maxFollowed : Self.parallelReads) { start(waiting.removeFirst()) }
                guard follow else { return }
                // Following, the rest cannot wait in line: a slot frees only when a log ends, and the listing finds them then.
                for instance in waiting where toldWaiting.insert(instance.instanceId).inserted {
                    note("not following \(instance.instanceId) yet: \(Self.maxFollowed) logs are followed already (one connection each); it is picked up when one of them ends")
                }
                waiting = []
            }
            startWaiting()
            if follow { group.addTask { await Self.nextPoll() } }

            while let event = await group.next() {
                switch event {
                case .poll:
                    guard !Task.isCancelled else { break }
                    do {
                        let listed = try await backend.listInstances(function: function)
                        if listingBroken { note("listing the instances of \(function) works again") }
                        listingBroken = false
                        let ids = Set(listed.map(\.instanceId))
                        // An id that left the list is never listed again (a new instance gets a new id): forget it.
                        seen = seen.filter { ids.contains($0) }
                        openFailures = openFailures.filter { ids.contains($0.key) }
                        toldWaiting = toldWaiting.filter { ids.contains($0) }
                        // New ones, live or (came and went since the last listing) ended.
                        waiting = listed.filter { !seen.contains($0.instanceId) }
                    } catch {
                        if !listingBroken { note("cannot list the instances of \(function) (\(error)); trying again every \(Int(Self.pollInterval.inSeconds)) s") }
                        listingBroken = true
                    }
                    group.addTask { await Self.nextPoll() }
                case .notOpened(let id, let error):
                    running -= 1
                    // Stopping (head went away) cancels the opens under way too: not their failure.
                    if Task.isCancelled { break }
                    if let unsupported = error as? PlatformError, case .unsupported = unsupported {
                        // A platform-wide refusal (Function Compute): said once, and nothing else can work.
                        note(unsupported.description)
                        group.cancelAll()
                        return true
                    }
                    let attempts = openFailures[id, default: 0] + 1
                    if follow && attempts < Self.openAttempts {
                        // Not yet: the next poll finds it live and tries again.
                        openFailures[id] = attempts
                        seen.remove(id)
                    } else {
                        openFailures[id] = nil
                        printer.printLine(ArraySlice("porthole: \(error)".utf8), instanceId: id, fd: 2)
                        failed = true
                    }
                case .ended(let id, let error):
                    running -= 1
                    openFailures[id] = nil
                    if let error {
                        printer.printLine(ArraySlice("porthole: \(error)".utf8), instanceId: id, fd: 2)
                        failed = true
                    }
                    // Stopping (head went away) ends every stream: not news.
                    if follow && !Task.isCancelled { note(error == nil ? "- \(id) (ended)" : "- \(id) (broke off)", plain: true) }
                case .stdoutClosed:
                    group.cancelAll()
                    return failed && !follow
                }
                startWaiting()
            }
            return failed && !follow
        }
    }

    /// Opens and prints one instance's log; its end is the event.
    private func printLog(of instance: Instance, follow: Bool, tailLines: Int?, on backend: any PlatformBackend, printer: PrefixedLinePrinter) async -> LogFanOutEvent {
        let id = instance.instanceId
        let stream: LogStream
        do {
            stream = try await backend.streamLogs(LogRequest(
                function: instance.functionName, instanceId: id, container: container, follow: follow,
                tailLines: tailLines, previous: previous))
        } catch {
            return .notOpened(instanceId: id, error: error)
        }
        if self.follow { note("+ \(id)", plain: true) }
        var splitter = LineSplitter()
        do {
            for try await chunk in stream {
                guard printer.printLines(splitter.lines(adding: chunk), instanceId: id, fd: 1) else { return .stdoutClosed }
            }
        } catch {
            if let last = splitter.rest(), !printer.printLine(last, instanceId: id, fd: 1) { return .stdoutClosed }
            return .ended(instanceId: id, error: Task.isCancelled ? nil : error)
        }
        if let last = splitter.rest(), !printer.printLine(last, instanceId: id, fd: 1) { return .stdoutClosed }
        return .ended(instanceId: id, error: nil)
    }

    /// The function's instances; an unknown function is the backend's not-found error.
    private func instances(on backend: any PlatformBackend) async throws -> [Instance] {
        let listed = try await backend.listInstances(function: function)
        // A cluster lists pods by function without knowing whether the function
        // exists (the local platform's list says so itself).
        if !listed.contains(where: { $0.status.isLive }), backend is KubernetesBackend {
            let functions = try await backend.listFunctions()
            if !functions.contains(where: { $0.functionName == function }) {
                throw KubernetesError.notFound(
                    message: "no function \(function) on \(backend.displayName); run `porthole functions` to list them")
            }
        }
        return listed
    }

    private static func nextPoll() async -> LogFanOutEvent {
        try? await Task.sleep(for: pollInterval)
        return .poll
    }

    /// A line on stderr: "porthole: …", or as it is (`plain`) for the `+`/`-` lines.
    private func note(_ text: String, plain: Bool = false) {
        writeAll(2, Array(((plain ? "" : "porthole: ") + text + "\n").utf8))
    }
}
