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
        .library(name: "TerminalEmulator", targets: ["TerminalEmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
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

        .target(
            name: "ExecCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
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
            ],
            resources: [.copy("Demo")]),
        .target(name: "TerminalEmulator", dependencies: ["CVTerm", "CShims"]),
        .target(
            name: "Console",
            dependencies: [
                "Platform", "ExecCore", "TerminalEmulator", "CNCursesW", "CShims",
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "porthole",
            dependencies: [
                "ExecCore", "Platform", "LocalRuntime", "Console", "CShims",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Not a product: what tests and porthole-bench share to start, drive and end
        // processes (a tmux driver, a process registry, machine load).
        .target(
            name: "ProcessHarness",
            dependencies: ["CShims"],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "porthole-bench",
            dependencies: [
                "ExecCore", "Platform", "LocalRuntime", "TerminalEmulator", "CShims", "ProcessHarness",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),

        .testTarget(
            name: "ExecCoreTests",
            dependencies: ["ExecCore"]),
        .testTarget(
            name: "LocalRuntimeTests",
            dependencies: [
                "LocalRuntime", "Platform", "ExecCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "TerminalEmulatorTests", dependencies: ["TerminalEmulator"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "LocalRuntime", "ProcessHarness"]),
        .testTarget(
            name: "ProcessHarnessTests",
            dependencies: ["ProcessHarness"],
            swiftSettings: [.swiftLanguageMode(.v6)]),
    ],
    swiftLanguageModes: [.v5]
)
