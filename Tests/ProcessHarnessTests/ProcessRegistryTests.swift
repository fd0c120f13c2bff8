import Foundation
import ProcessHarness
import XCTest

/// The registry porthole-bench ends its processes with: after `endAll`, nothing
/// it recorded — nor anything those started, stubborn or not — is left running.
final class ProcessRegistryTests: XCTestCase {
    func testEndAllLeavesNothingOfATmuxServerAndAStubbornProcessTree() throws {
        try XCTSkipIf(CommandRunner.which("tmux") == nil, "tmux is not installed")
        let registry = ProcessRegistry()
        let tmux = TmuxDriver(socket: "porthole-registry-test-\(getpid())", registry: registry)
        // A pane whose processes ignore hangup and terminate: only SIGKILL ends them.
        try tmux.start(session: "stubborn", cols: 80, rows: 24,
                       command: "trap '' HUP TERM; sleep 601 & exec sleep 602")
        let server = try XCTUnwrap(tmux.serverPID)
        // A plain child with a child of its own, also deaf to SIGTERM and SIGHUP.
        let plain = try spawn(["sh", "-c", "trap '' HUP TERM; sleep 603 & wait"])
        registry.record(plain, as: "sh with a sleep")

        let pids = try waitForDescendants(of: [server, plain], atLeast: 5)
        let report = registry.endAll(grace: 0.5)

        let alive = pids.filter(ProcessTree.isRunning)
        XCTAssertEqual(alive, [], "still running: \(alive.map(ProcessTree.commandLine))")
        XCTAssertEqual(report.survivors, [])
        XCTAssertGreaterThanOrEqual(report.ended.count, pids.count)
        XCTAssertTrue(report.description.contains("none left running"), report.description)
        XCTAssertThrowsError(try tmux.run(["list-sessions"]), "the tmux server answers after endAll")
    }

    func testEndAllIsSafeTwiceAndWithNothingRecorded() {
        let registry = ProcessRegistry()
        XCTAssertEqual(registry.endAll().ended, [])
        XCTAssertEqual(registry.endAll().survivors, [])
    }

    func testMachineLoadSamplesAnIdleShare() {
        let load = MachineLoad.sample(over: 0.2)
        XCTAssert((0...1).contains(load.idle), "\(load)")
        XCTAssertGreaterThan(load.cores, 0)
    }

    // MARK: Helpers

    /// The roots and their descendants once there are at least `count` of them (bounded wait).
    private func waitForDescendants(of roots: [pid_t], atLeast count: Int) throws -> [pid_t] {
        let deadline = Date().addingTimeInterval(15)
        var pids: [pid_t] = []
        repeat {
            let tree = ProcessTree()
            pids = roots + roots.flatMap { tree.descendants(of: $0) }
            if pids.count >= count { return pids }
            usleep(20_000)
        } while Date() < deadline
        XCTFail("only \(pids.count) processes started: \(pids.map(ProcessTree.commandLine))")
        return pids
    }

    private func spawn(_ argv: [String]) throws -> pid_t {
        var pid: pid_t = 0
        let arguments = argv.map { strdup($0) } + [nil]
        let environment = CommandRunner.environmentStrings()
        defer { (arguments + environment).forEach { free($0) } }
        let rc = arguments.withUnsafeBufferPointer { arguments in
            environment.withUnsafeBufferPointer { posix_spawnp(&pid, argv[0], nil, nil, arguments.baseAddress!, $0.baseAddress!) }
        }
        guard rc == 0 else { throw CommandRunner.Failure(argv: argv, status: -1, output: String(cString: strerror(rc))) }
        return pid
    }
}
