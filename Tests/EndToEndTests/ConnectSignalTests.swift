import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `gangway connect` with piped stdin (no raw tty, so Ctrl-C is a real SIGINT): SIGINT and SIGTERM end the session
/// on gangwayd (TerminateSession) before the program exits, instead of leaving it Active until the idle timeout.
@Suite("gangway connect: signals end the session", .serialized, .timeLimit(.minutes(2)))
struct ConnectSignalTests {
    /// Runs the built `gangway connect` against the cluster with a pipe as stdin that stays open.
    final class Connect: @unchecked Sendable {
        // @unchecked: set up once in init; Process/Pipe are used from one test at a time.
        let process = Process()
        let stdin = Pipe()
        let stderrPath: String
        let stdoutPath: String

        init(cluster: Cluster, target: String, name: String) throws {
            stderrPath = cluster.root + "/\(name).err"
            stdoutPath = cluster.root + "/\(name).out"
            FileManager.default.createFile(atPath: stderrPath, contents: nil)
            FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: Executables.path("gangway"))
            process.arguments = ["connect", target, "--endpoint-url", cluster.baseURL, "--reason", "signal test"]
            var env = ProcessInfo.processInfo.environment
            env["AWS_ACCESS_KEY_ID"] = cluster.credentials.accessKeyId
            env["AWS_SECRET_ACCESS_KEY"] = cluster.credentials.secretAccessKey
            env["AWS_REGION"] = "us-east-1"
            env["HOME"] = cluster.root
            env.removeValue(forKey: "AWS_PROFILE")
            process.environment = env
            process.standardInput = stdin
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
            try process.run()
        }

        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
        var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

        var sessionId: String? {
            guard let r = stderr.range(of: "SessionId: ") else { return nil }
            let id = stderr[r.upperBound...].prefix { !$0.isWhitespace }
            return id.isEmpty ? nil : String(id)
        }

        func type(_ text: String) { stdin.fileHandleForWriting.write(Data(text.utf8)) }

        /// Types a command through the pipe and waits for its output: the session is open and the shell answers.
        /// Returns the session id from the "Starting session" line.
        func waitUntilTheShellAnswers() async throws -> String {
            type("echo al''ive-$((6*7))\n")
            let alive = await eventually(timeout: .seconds(20)) { self.stdout.contains("alive-42") }
            #expect(alive, "no shell output; stderr: \(stderr)")
            return try #require(sessionId, "no SessionId line: \(stderr)")
        }
    }

    func sessionStatus(_ cluster: Cluster, _ id: String, state: String) async throws -> String? {
        let r = try await cluster.call("DescribeSessions", ["State": state])
        let list = r["Sessions"] as? [[String: Any]] ?? []
        return list.first { $0["SessionId"] as? String == id }?["Status"] as? String
    }

    func checkSignal(_ sig: Int32, name: String) async throws {
        try await withCluster { cluster in
            let target = try await cluster.startAgent("sig-\(name)")
            let connect = try Connect(cluster: cluster, target: target, name: "connect-\(name)")
            defer { if connect.process.isRunning { kill(connect.process.processIdentifier, SIGKILL) } }
            // The shell works through the pipe.
            let sessionId = try await connect.waitUntilTheShellAnswers()
            #expect(try await sessionStatus(cluster, sessionId, state: "Active") == "Connected")

            kill(connect.process.processIdentifier, sig)
            let exited = await eventually(timeout: .seconds(10), every: .milliseconds(20)) { !connect.process.isRunning }
            #expect(exited, "gangway connect still running 10 s after \(name)")
            guard exited else { return }
            // It exited by itself (not killed by the signal) with 128+signal, after saying why.
            #expect(connect.process.terminationReason == .exit)
            #expect(connect.process.terminationStatus == 128 + sig)
            #expect(connect.stderr.contains("\(name) received"), "stderr: \(connect.stderr)")
            // The session ended on the server right away, not at the idle timeout.
            let terminated = try await eventually(timeout: .seconds(3)) {
                try await sessionStatus(cluster, sessionId, state: "History") == "Terminated"
            }
            #expect(terminated, "session \(sessionId) should be Terminated in History after \(name)")
            #expect(try await sessionStatus(cluster, sessionId, state: "Active") == nil)
        }
    }

    @Test("SIGINT (Ctrl-C with piped stdin) sends TerminateSession before exiting 130")
    func sigintTerminatesSession() async throws { try await checkSignal(SIGINT, name: "SIGINT") }

    @Test("SIGTERM sends TerminateSession before exiting 143")
    func sigtermTerminatesSession() async throws { try await checkSignal(SIGTERM, name: "SIGTERM") }

    @Test("SIGTERM the moment the SessionId line appears is handled too (the sources are registered before it)")
    func sigtermRightAtStart() async throws {
        try await withCluster { cluster in
            let target = try await cluster.startAgent("sig-early")
            let connect = try Connect(cluster: cluster, target: target, name: "connect-early")
            defer { if connect.process.isRunning { kill(connect.process.processIdentifier, SIGKILL) } }
            let announced = await eventually(timeout: .seconds(20), every: .milliseconds(1)) { connect.sessionId != nil }
            let sessionId = try #require(announced ? connect.sessionId : nil, "no SessionId line: \(connect.stderr)")
            kill(connect.process.processIdentifier, SIGTERM)
            let exited = await eventually(timeout: .seconds(10), every: .milliseconds(20)) { !connect.process.isRunning }
            #expect(exited, "gangway connect still running 10 s after an early SIGTERM")
            guard exited else { return }
            #expect(connect.process.terminationReason == .exit, "killed by the signal instead of handling it")
            #expect(connect.process.terminationStatus == 128 + SIGTERM)
            #expect(connect.stderr.contains("SIGTERM received"), "stderr: \(connect.stderr)")
            let terminated = try await eventually(timeout: .seconds(5)) {
                try await sessionStatus(cluster, sessionId, state: "History") == "Terminated"
            }
            #expect(terminated, "session \(sessionId) should be Terminated after an early SIGTERM")
        }
    }
}
