import Foundation
import LocalRuntime
import XCTest

final class SpecLoaderTests: XCTestCase {
    var directory: URL!

    override func setUp() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("spec-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory.appendingPathComponent("code"), withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func load(_ yaml: String) throws -> [FunctionSpec] {
        let file = directory.appendingPathComponent("functions.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try SpecLoader.load(file: file)
    }

    func assertSpecError(_ yaml: String, line: Int?, field: String, contains: String, file: StaticString = #filePath, sourceLine: UInt = #line) {
        XCTAssertThrowsError(try load(yaml), file: file, line: sourceLine) { error in
            guard let error = error as? SpecError else { return XCTFail("\(error)", file: file, line: sourceLine) }
            XCTAssertTrue(error.file.hasSuffix("functions.yaml"), file: file, line: sourceLine)
            XCTAssertEqual(error.line, line, "\(error)", file: file, line: sourceLine)
            XCTAssertEqual(error.field, field, "\(error)", file: file, line: sourceLine)
            XCTAssertTrue(error.description.contains(contains), "\(error)", file: file, line: sourceLine)
            XCTAssertTrue(error.description.contains("functions.yaml:\(line.map(String.init) ?? "")"), "\(error)", file: file, line: sourceLine)
        }
    }

    func testServiceNameComesFromTheSpecWithItsLine() throws {
        let function = """
            functions:
              - functionName: hello
                code: ./code
                customRuntimeConfig: {command: [python3, server.py]}
            """
        let file = directory.appendingPathComponent("functions.yaml")
        try function.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try SpecLoader.loadFile(file).service, "porthole", "the default service")
        try ("service: payments\n" + function).write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try SpecLoader.loadFile(file).service, "payments")
        assertSpecError("service: pay.v2\n" + function, line: 1, field: "service", contains: "no dots")
    }

    func testFullSpecLoads() throws {
        let specs = try load("""
            functions:
              - functionName: hello
                runtime: custom
                code: ./code
                customRuntimeConfig: {command: [python3, server.py], port: 9000}
                environmentVariables: {GREETING: hi, COUNT: 3}
                instanceConcurrency: 4
                memorySize: 256
                provisioned: 2
                idleTimeout: 30
                maxInstances: 5
            """)
        XCTAssertEqual(specs.count, 1)
        let spec = specs[0]
        XCTAssertEqual(spec.functionName, "hello")
        XCTAssertEqual(spec.command, ["python3", "server.py"])
        XCTAssertEqual(spec.port, 9000)
        XCTAssertEqual(spec.environmentVariables, ["GREETING": "hi", "COUNT": "3"])
        XCTAssertEqual(spec.codeDirectory.path, directory.appendingPathComponent("code").path)
        XCTAssertEqual([spec.instanceConcurrency, spec.memorySize, spec.provisioned, spec.idleTimeout, spec.maxInstances], [4, 256, 2, 30, 5])
    }

    func testErrorsNameFileLineAndField() {
        assertSpecError("functions:\n  - functionName: a\n    code: ./code\n", line: 2, field: "functions[0].customRuntimeConfig", contains: "missing")
        assertSpecError("functions:\n  - functionName: a\n    code: ./nowhere\n    customRuntimeConfig: {command: [x]}\n",
                        line: 3, field: "functions[0].code", contains: "is not a directory")
        assertSpecError("functions:\n  - functionName: a\n    code: ./code\n    customRuntimeConfig: {command: [x]}\n    instanceConcurrency: lots\n",
                        line: 5, field: "functions[0].instanceConcurrency", contains: "expected a whole number")
        assertSpecError("functions:\n  - functionName: a\n    code: ./code\n    customRuntimeConfig: {command: [x]}\n    memmory: 5\n",
                        line: 5, field: "functions[0].memmory", contains: "unknown field")
        assertSpecError("functions:\n  - functionName: 'bad name'\n    code: ./code\n    customRuntimeConfig: {command: [x]}\n",
                        line: 2, field: "functions[0].functionName", contains: "must start with a letter")
        assertSpecError("functions:\n  - functionName: a\n    code: ./code\n    customRuntimeConfig: {command: [x]}\n    provisioned: 5\n    maxInstances: 2\n",
                        line: 5, field: "functions[0].provisioned", contains: "more than maxInstances")
        assertSpecError("functions: [\n  - oops", line: 2, field: "(yaml)", contains: "not valid YAML")
    }

    func testDuplicateNamesAreRejected() {
        let one = "  - functionName: a\n    code: ./code\n    customRuntimeConfig: {command: [x]}\n"
        assertSpecError("functions:\n" + one + one, line: 5, field: "functions[1].functionName", contains: "duplicate")
    }

    func testDemoSpecsLoadAndPointAtShippedCode() throws {
        let specs = try DemoFunctions.load()
        XCTAssertGreaterThanOrEqual(specs.count, 3)
        for spec in specs {
            XCTAssertGreaterThanOrEqual(spec.provisioned, 1, "\(spec.functionName) has a live instance at once")
            XCTAssertTrue(FileManager.default.fileExists(atPath: spec.codeDirectory.appendingPathComponent("server.py").path))
        }
    }
}
