import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// After a long gangwayd outage the agent's backoff is several seconds long; its /healthz probe brings it back
/// Online within seconds of gangwayd returning anyway.
@Suite("gangway-agent reconnect after a long outage", .serialized, .timeLimit(.minutes(2)))
struct AgentReconnectTests {
    @Test("gangwayd returns early in a ≥ 6.5 s backoff wait: the agent is Online again within 5 s, before its timer")
    func backOnlineQuicklyAfterLongOutage() async throws {
        try await withCluster { cluster in
            let id = try await cluster.startAgent("outage-1")
            await cluster.server?.stop()
            let outage = ContinuousClock.now
            // gangwayd comes back just after the agent starts a long backoff wait, so that only the probe — not the
            // timer, which still has ≥ 6.5 s to run — can bring it back within the 5 s asserted below.
            var seen = 0
            var wait: Double?
            let started = await eventually(timeout: .seconds(45), every: .milliseconds(50)) {
                let delays = Self.retryDelays(cluster.agents["outage-1"]?.stderr ?? "")
                defer { seen = delays.count }
                wait = delays.dropFirst(seen).first { $0 >= 6.5 }
                return wait != nil
            }
            #expect(started, "the agent never logged a backoff wait of ≥ 6.5 s: \(cluster.agents["outage-1"]?.stderr.suffix(2000) ?? "")")
            guard started, let wait else { return }
            let waitStart = ContinuousClock.now
            try await cluster.startServer()
            let back = ContinuousClock.now
            let online = try await eventually(timeout: .seconds(5), every: .milliseconds(100)) {
                (try? await cluster.pingStatus(id)) == "Online"
            }
            let took = ContinuousClock.now - back
            print("agent reconnect: Online \(took) after gangwayd returned from a \(back - outage) outage (backoff wait was \(wait) s, started \(back - waitStart) before)")
            #expect(online, "agent was not Online within 5 s of gangwayd returning (took \(took)); agent log: \(cluster.agents["outage-1"]?.stderr.suffix(2000) ?? "")")
            #expect(ContinuousClock.now - waitStart < .milliseconds(Int(wait * 1000)),
                    "the check ran past the agent's backoff timer, so it proves nothing about the probe")
            #expect(cluster.agents["outage-1"]?.stderr.contains("answers again") == true,
                    "the agent should say why it reconnected before its backoff ran out")
        }
    }

    /// The delays the agent announced ("…; retrying in 7.3 s"), in order.
    static func retryDelays(_ log: String) -> [Double] {
        log.components(separatedBy: "retrying in ").dropFirst().compactMap { part in
            Double(part.prefix { $0.isNumber || $0 == "." })
        }
    }
}

extension AgentReconnectTests {
    /// A `--shell` that does not exist used to start the agent and fail every session; it is refused at start.
    @Test func agentRefusesAShellThatIsNotThere() throws {
        do {
            _ = try ChildProcess.run(Executables.path("gangway-agent"), [
                "--server", "http://127.0.0.1:9", "--token", "x", "--state-dir", NSTemporaryDirectory() + "gw-noshell",
                "--shell", "/bin/no-such-shell"])
            Issue.record("gangway-agent started with a shell that does not exist")
        } catch {
            #expect("\(error)".contains("--shell /bin/no-such-shell is not an executable file on this host"), "\(error)")
        }
    }
}
