// swift-tools-version:6.0
// Console benchmark package: builds only the console modules (symlinked from ../../Sources) in release mode,
// so the bench does not need a release build of the whole project. Run ./run.sh.
import PackageDescription

let package = Package(
    name: "ConsoleBench",
    platforms: [.macOS(.v14)],
    targets: [
        .target(name: "CNcursesShim", linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(name: "CVTermShim", linkerSettings: [.linkedLibrary("vterm")]),
        .target(name: "CPosixShim"),
        .target(name: "TerminalModel", dependencies: ["CVTermShim"]),
        .target(name: "ConsoleCore", dependencies: ["CPosixShim"]),
        .target(name: "ConsoleUI", dependencies: ["ConsoleCore", "TerminalModel", "CNcursesShim", "CPosixShim"]),
        .executableTarget(name: "console-bench", dependencies: ["ConsoleUI", "ConsoleCore"]),
    ]
)
