// swift-tools-version:6.0
// Gangway: an SSM-compatible session manager. Layers call only downward; see docs/ARCHITECTURE.md.
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Gangway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gangway", targets: ["gangway"]),
        .executable(name: "gangwayd", targets: ["gangwayd"]),
        .executable(name: "gangway-agent", targets: ["gangway-agent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // ---- C shims: the only places that touch the C libraries' macros and variadic functions.
        .target(name: "CNcursesShim", linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(name: "CVTermShim", linkerSettings: [.linkedLibrary("vterm")]),
        .target(name: "CCurlShim", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CPosixShim"),

        // ---- Core, no I/O.
        .target(name: "SessionCore",
                dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),
        .target(name: "Recording", swiftSettings: strict),
        .target(name: "AccessPolicy", swiftSettings: strict),
        .target(name: "AuditLog",
                dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),
        .target(name: "TerminalModel", dependencies: ["CVTermShim"], swiftSettings: strict),

        // ---- AWS wire: SigV4, credentials, JSON 1.1 client over libcurl.
        .target(name: "AWSCore",
                dependencies: ["CCurlShim", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),

        // ---- Programs' libraries.
        .target(name: "ControlPlane",
                dependencies: [
                    "SessionCore", "AWSCore", "AuditLog", "Recording", "AccessPolicy", "CPosixShim",
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "_CryptoExtras", package: "swift-crypto"),
                    .product(name: "Hummingbird", package: "hummingbird"),
                    .product(name: "HummingbirdTLS", package: "hummingbird"),
                    .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "GRDB", package: "GRDB.swift"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),
        .target(name: "ChannelIO",
                dependencies: [
                    "SessionCore", "AWSCore",
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "NIOHTTP1", package: "swift-nio"),
                    .product(name: "NIOWebSocket", package: "swift-nio"),
                    .product(name: "NIOSSL", package: "swift-nio-ssl"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),
        .target(name: "HostAgent",
                dependencies: [
                    "SessionCore", "AWSCore", "ChannelIO", "CPosixShim",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "NIOPosix", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),
        .target(name: "ConsoleCore", dependencies: ["SessionCore", "CPosixShim", "Recording"], swiftSettings: strict),
        .target(name: "ConsoleUI",
                dependencies: ["ConsoleCore", "TerminalModel", "CNcursesShim",
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        .target(name: "GangwayClient",
                dependencies: [
                    "SessionCore", "AWSCore", "ChannelIO", "ConsoleCore", "CPosixShim",
                    .product(name: "NIOCore", package: "swift-nio"),
                    .product(name: "Logging", package: "swift-log"),
                ],
                swiftSettings: strict),

        // ---- Executables: thin mains.
        .executableTarget(name: "gangway",
                          dependencies: [
                              "SessionCore", "AWSCore", "GangwayClient", "ConsoleCore", "ConsoleUI", "Recording",
                              "AuditLog", "AccessPolicy", "ControlPlane", "HostAgent",
                              .product(name: "ArgumentParser", package: "swift-argument-parser"),
                          ],
                          swiftSettings: strict),
        .executableTarget(name: "gangwayd",
                          dependencies: ["ControlPlane", "ChannelIO", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),
        .executableTarget(name: "gangway-agent",
                          dependencies: ["HostAgent", "ChannelIO", "AWSCore",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strict),

        // ---- Benchmarks (bench/sessioncore.sh).
        .executableTarget(name: "SessionCoreBench", dependencies: ["SessionCore"], path: "bench/sessioncore",
                          swiftSettings: strict),

        .executableTarget(name: "SessionBench", dependencies: ["ChannelIO", "AWSCore", "SessionCore", "HostAgent",
                                                             .product(name: "NIOCore", package: "swift-nio"),
                                                             .product(name: "NIOPosix", package: "swift-nio")],
                          path: "bench/session/Sources/SessionBench", swiftSettings: strict),

        // ---- Test support: fakes and in-process servers.
        .target(name: "GangwayTesting", dependencies: ["SessionCore"], path: "Tests/GangwayTesting", swiftSettings: strict),

        .testTarget(name: "SessionCoreTests", dependencies: ["SessionCore", "GangwayTesting"], swiftSettings: strict),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore", "GangwayTesting"], swiftSettings: strict),
        .testTarget(name: "RecordingTests", dependencies: ["Recording", "GangwayTesting"], swiftSettings: strict),
        .testTarget(name: "AuditLogTests", dependencies: ["AuditLog", "GangwayTesting"], swiftSettings: strict),
        .testTarget(name: "AccessPolicyTests", dependencies: ["AccessPolicy", "GangwayTesting"], swiftSettings: strict),
        .testTarget(name: "TerminalModelTests", dependencies: ["TerminalModel", "GangwayTesting"], swiftSettings: strict),
        .testTarget(name: "ConsoleTests", dependencies: ["ConsoleCore", "ConsoleUI", "TerminalModel", "Recording", "GangwayTesting"], swiftSettings: strict),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "HostAgent", "ChannelIO", "GangwayClient", "GangwayTesting",
                                                             .product(name: "WSClient", package: "swift-websocket")],
                    swiftSettings: strict),
        .testTarget(name: "GangwayClientTests", dependencies: ["GangwayClient", "AWSCore", "ConsoleCore", "GangwayTesting"], swiftSettings: strict),
        .testTarget(name: "ChannelIOTests",
                    dependencies: ["ChannelIO", "SessionCore", "GangwayTesting",
                                   .product(name: "NIOPosix", package: "swift-nio"),
                                   .product(name: "NIOHTTP1", package: "swift-nio"),
                                   .product(name: "NIOWebSocket", package: "swift-nio")],
                    swiftSettings: strict),
        .testTarget(name: "HostAgentTests", dependencies: ["HostAgent", "ChannelIO", "GangwayTesting"], swiftSettings: strict),
        // End-to-end: runs the built executables (gangwayd, gangway-agent, gangway) as a user would.
        .testTarget(name: "EndToEndTests", dependencies: ["GangwayTesting", "ChannelIO", "AWSCore", "SessionCore"], swiftSettings: strict),
    ]
)
