import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Locates the built programs: $GANGWAY_BIN_DIR, else the directory of the running test bundle
/// (`.build/<triple>/debug`), where SwiftPM puts gangwayd, gangway-agent and gangway.
enum Executables {
    static let directory: String = {
        if let dir = ProcessInfo.processInfo.environment["GANGWAY_BIN_DIR"], !dir.isEmpty { return dir }
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
            // Inside Foo.xctest/… on some layouts: walk up until gangwayd is found.
            for _ in 0..<4 {
                candidates.append(url.path)
                url = url.deletingLastPathComponent()
            }
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/gangwayd") } ?? candidates.last!
    }()

    static func path(_ name: String) -> String { directory + "/" + name }
}

/// A child process with stdout and stderr captured to files (read them any time, no pipes to drain).
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `process` is only mutated in init; Foundation's Process is thread-safe for the calls used here.
    let process: Process
    let stdoutPath: String
    let stderrPath: String

    /// `environment`: variables set for the child on top of this process's own.
    init(_ executable: String, _ arguments: [String], logDir: String, name: String,
         environment: [String: String] = [:]) throws {
        stdoutPath = logDir + "/\(name).out"
        stderrPath = logDir + "/\(name).err"
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { if process.isRunning { kill(process.processIdentifier, sig) } }

    /// SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(3)) async {
        signal(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        signal(SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// Runs a program to completion and returns its stdout; throws with stderr on failure.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw HarnessError("\(executable) \(arguments.joined(separator: " ")) exited \(p.terminationStatus): \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Polls `condition` every `every` until true or `timeout`; returns whether it became true.
func eventually(timeout: Duration, every: Duration = .milliseconds(100), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: every)
    }
    return try await condition()
}
