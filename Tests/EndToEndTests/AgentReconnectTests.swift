import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// After a long gangwayd outage the agent's backoff is near its 30 s cap; its /healthz probe brings it back
/// Online within seconds of gangwayd returning anyway.
@Suite("gangway-agent reconnect after a long outage", .serialized, .timeLimit(.minutes(2)))
struct AgentReconnectTests {
    @Test("gangwayd down 12 s (backoff past 8 s): the agent is Online again within 5 s of gangwayd returning")
    func backOnlineQuicklyAfterLongOutage() async throws {
        try await withCluster { cluster in
            let id = try await cluster.startAgent("outage-1")
            await cluster.server?.stop()
            // Long enough that full reconnect attempts are 4–16 s apart by the time gangwayd returns.
            try await Task.sleep(for: .seconds(12))
            try await cluster.startServer()
            let back = ContinuousClock.now
            let online = try await eventually(timeout: .seconds(5), every: .milliseconds(100)) {
                (try? await cluster.pingStatus(id)) == "Online"
            }
            let took = ContinuousClock.now - back
            print("agent reconnect: Online \(took) after gangwayd returned from a 12 s outage")
            #expect(online, "agent was not Online within 5 s of gangwayd returning (took \(took)); agent log: \(cluster.agents["outage-1"]?.stderr.suffix(2000) ?? "")")
            #expect(cluster.agents["outage-1"]?.stderr.contains("answers again") == true
                        || cluster.agents["outage-1"]?.stdout.contains("answers again") == true,
                    "the agent should have reconnected on its probe, not on its backoff timer")
        }
    }
}
