// swift-tools-version:6.0
// Audit log benchmark: `swift run -c release --package-path bench/audit AuditBench [DIR]`.
// Sources/AuditLog and Sources/Recording are symlinks to the real module, so the bench measures the shipped code in release mode.
import PackageDescription

let package = Package(
    name: "AuditBench",
    platforms: [.macOS(.v14)],
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "3.12.3")],
    targets: [
        .target(name: "AuditLog", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Recording"),
        .executableTarget(name: "AuditBench", dependencies: ["AuditLog", "Recording"]),
    ]
)
