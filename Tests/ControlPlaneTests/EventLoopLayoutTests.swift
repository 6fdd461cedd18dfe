@testable import ControlPlane
import Foundation
import GangwayClient
import NIOCore
import Testing

/// gangwayd's default socket layout: every socket on one event loop, so a session's client and agent sockets share a
/// thread and a relayed frame never waits for another thread to wake (docs/DECISIONS.md, 2026-12-01).
@Suite("Event-loop layout")
struct EventLoopLayoutTests {
    @Test("by default the client and agent sockets of every session sit on one event loop")
    func sessionsShareOneLoopByDefault() async throws {
        let rig = try await RevocationEndToEndTests.Rig.start()
        do {
            // Three sessions: six data-channel sockets, accepted between API calls. Spread over loops (one per core),
            // NIO hands accepted sockets to the loops in turn, so six of them on one loop would be a fluke.
            var shells: [SSMShellSession] = []
            for _ in 0..<3 { shells.append(try await rig.openShell().0) }
            var loops: [any EventLoop] = []
            for shell in shells {
                let relay = try #require(await rig.cp.server.services.sessions.relay(shell.sessionId))
                let (client, agent) = relay.socketEventLoops
                loops.append(try #require(client, "no client socket"))
                loops.append(try #require(agent, "no agent socket"))
            }
            #expect(loops.allSatisfy { $0 === loops[0] }, "sockets on \(Set(loops.map { ObjectIdentifier($0) }).count) loops")
            for shell in shells { await shell.close() }
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }
}
