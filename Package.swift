// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "porthole",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "porthole", targets: ["porthole"]),
        .executable(name: "porthole-bench", targets: ["porthole-bench"]),
        .library(name: "ExecCore", targets: ["ExecCore"]),
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "LocalRuntime", targets: ["LocalRuntime"]),
        .library(name: "FunctionComputeBackend", targets: ["FunctionComputeBackend"]),
        .library(name: "TerminalEmulator", targets: ["TerminalEmulator"]),
        .library(name: "SessionRecording", targets: ["SessionRecording"]),
        .library(name: "KubernetesBackend", targets: ["KubernetesBackend"]),
        .library(name: "FileTransfer", targets: ["FileTransfer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // System libraries. Their shim headers also hold the static inline helpers for
        // curses macros and libvterm version differences, so each C library stays
        // visible only to the module that owns it.
        .systemLibrary(
            name: "CNCursesW", pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(
            name: "CVTerm", pkgConfig: "vterm",
            providers: [.apt(["libvterm-dev"])]),
        // pty spawn, eventfd, and the libc calls Swift's Glibc module hides.
        .target(name: "CShims"),
        // The first process of every instance and exec session: forwards signals,
        // reaps, dies with the server, sets up namespaces (docs/ARCHITECTURE.md).
        // Found next to the running executable, so it must be built with it.
        .executableTarget(name: "porthole-init", dependencies: ["CShims"]),

        .target(
            name: "ExecCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .target(
            name: "Platform",
            dependencies: [
                "ExecCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .target(
            name: "LocalRuntime",
            dependencies: [
                "ExecCore", "Platform", "CShims",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Demo")]),
        .target(
            name: "FunctionComputeBackend",
            dependencies: [
                "Platform", "ExecCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "KubernetesBackend",
            dependencies: [
                "Platform", "ExecCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
            ]),
        // A Kubernetes API server that behaves as kube-apiserver 1.32 does, for the
        // tests and porthole-bench (not a product): real TLS, real processes for exec.
        .target(
            name: "KubernetesFake",
            dependencies: [
                "ExecCore", "LocalRuntime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        .target(name: "TerminalEmulator", dependencies: ["CVTerm"]),
        // asciicast v2 recordings: writer, validating reader, replay timing. Foundation only.
        .target(name: "SessionRecording"),
        .target(
            name: "FileTransfer",
            dependencies: ["ExecCore", "Platform", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Console",
            dependencies: [
                "Platform", "ExecCore", "TerminalEmulator", "CNCursesW", "CShims", "FileTransfer", "SessionRecording",
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "porthole",
            dependencies: [
                "ExecCore", "Platform", "LocalRuntime", "Console", "CShims", "FunctionComputeBackend", "SessionRecording", "KubernetesBackend", "FileTransfer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Not a product: what tests and porthole-bench share to start, drive and end
        // processes (a tmux driver, a process registry, machine load).
        .target(
            name: "ProcessHarness",
            dependencies: ["CShims"]),
        // Not a product: small helpers the test targets share that are not about
        // processes (a seeded random generator for replayable fuzz runs).
        .target(name: "TestSupport"),
        .executableTarget(
            name: "porthole-bench",
            dependencies: [
                "ExecCore", "Platform", "LocalRuntime", "TerminalEmulator", "CShims", "KubernetesFake", "ProcessHarness",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),

        .testTarget(
            name: "ExecCoreTests",
            dependencies: [
                "ExecCore", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]),
        .testTarget(
            name: "LocalRuntimeTests",
            dependencies: [
                "LocalRuntime", "Platform", "ExecCore", "SessionRecording", "TestSupport", "ProcessHarness",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(
            name: "FunctionComputeBackendTests",
            dependencies: [
                "FunctionComputeBackend", "Platform", "ExecCore", "ProcessHarness",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        .testTarget(
            name: "KubernetesBackendTests",
            dependencies: [
                "KubernetesBackend", "KubernetesFake", "Platform", "ExecCore",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        .testTarget(
            name: "FileTransferTests",
            dependencies: [
                "FileTransfer", "LocalRuntime", "Platform", "ExecCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(name: "TerminalEmulatorTests", dependencies: ["TerminalEmulator", "TestSupport"]),
        .testTarget(
            name: "ConsoleTests", dependencies: ["Console", "KubernetesFake", "LocalRuntime", "ProcessHarness", "SessionRecording"]),
        // Runs the built `porthole` binary against a real `porthole serve`.
        .testTarget(name: "PortholeCLITests", dependencies: ["ProcessHarness"]),
        .testTarget(
            name: "SessionRecordingTests", dependencies: ["SessionRecording"]),
        .testTarget(
            name: "ProcessHarnessTests",
            dependencies: ["ProcessHarness"]),
    ],
    swiftLanguageModes: [.v6]
)
