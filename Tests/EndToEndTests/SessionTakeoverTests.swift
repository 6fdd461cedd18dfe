import ChannelIO
import Foundation
import Logging
import SessionCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Another connection resumes a session `gangway connect` holds (ResumeSession and a new data channel): connect lets
/// it go and says so, instead of resuming it back, which the other would answer the same way for ever.
@Suite("Session take-over", .serialized, .timeLimit(.minutes(2))) struct SessionTakeoverTests {
    @Test func connectLetsASessionResumedElsewhereGo() async throws {
        try await withCluster { cluster in
        let target = try await cluster.startAgent("takeover")
        let connect = try ConnectSignalTests.Connect(cluster: cluster, target: target, name: "connect-takeover")
        defer { if connect.process.isRunning { kill(connect.process.processIdentifier, SIGKILL) } }
        let sessionId = try await connect.waitUntilTheShellAnswers()

        // The other connection: ResumeSession and a data channel of its own.
        let r = try await cluster.call("ResumeSession", ["SessionId": sessionId])
        let token = try #require(r["TokenValue"] as? String)
        let stream = try #require(r["StreamUrl"] as? String)
        let url = try #require(URL(string: stream))
        var logger = Logger(label: "e2e-takeover")
        logger.logLevel = .warning
        let other = DataChannelConnection(url: url, openingFrame: try ShellClient.opening(token), role: .client, logger: logger)
        try await other.connect()
        defer { Task { await other.close() } }

        let exited = await eventually(timeout: .seconds(15), every: .milliseconds(50)) { !connect.process.isRunning }
        #expect(exited, "gangway connect still running; stderr: \(connect.stderr)")
        guard exited else { return }
        #expect(connect.process.terminationStatus == 255)
        #expect(connect.stderr.contains("was resumed by another connection"), "stderr: \(connect.stderr)")
        // The other connection keeps the session: nothing took it back.
        try await Task.sleep(for: .seconds(1))
        #expect(await other.isConnected)
        let active = try await cluster.call("DescribeSessions", ["State": "Active"])["Sessions"] as? [[String: Any]] ?? []
        #expect(active.contains { $0["SessionId"] as? String == sessionId })
        }
    }
}
