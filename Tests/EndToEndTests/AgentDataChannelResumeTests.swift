import Foundation
import GangwayTesting
import Testing

/// The agent's side of a live session drops (its data-channel socket cut between it and gangwayd, the control channel
/// left up): the agent resumes with a new token and resends what was not acknowledged, so the client's stream has
/// every byte once, in order, and typing still works.
@Suite("gangway-agent resumes its data channel", .serialized, .timeLimit(.minutes(2)))
struct AgentDataChannelResumeTests {
    @Test("cut mid-output, twice, one of them with reconnects refused for a second: 100,000 lines arrive once each")
    func cutMidOutputLosesAndRepeatsNothing() async throws {
        try await withCluster { cluster in
            let proxy = try CuttableTCPProxy(to: cluster.port)
            defer { proxy.stop() }
            let id = try await cluster.startAgent("resume-1", server: proxy.url)
            let shell = try await ShellClient(cluster: cluster, target: id)
            // The pause between the halves leaves the agent ~4 s to resume from the first cut before the second one must
            // land (checked below: the output has not ended yet); 1.5 s was too short with the suites in parallel.
            await shell.type("stty -echo; echo go''on; seq 1 50000; sleep 5; seq 50001 100000; echo end-$((6*7))\n")
            let start = try await shell.waitFor("goon\r\n")
            #expect(await eventually(timeout: .seconds(20)) { shell.count > start + 20_000 }, "the output did not start")
            #expect(proxy.cut(where: ChannelRequest.data) == 1, "no agent data channel through the proxy: \(proxy.liveFirstLines)")
            #expect(!shell.text.contains("end-42"), "the output ended before the cut")
            // The second cut lands once the agent is back, in the pause or the second half; reconnects are refused
            // for a second after it.
            // A new connection, not the cut one (which stays listed until its relay threads end).
            #expect(await eventually(timeout: .seconds(20)) { proxy.firstLinesSeen.filter(ChannelRequest.data).count == 2 },
                    "the agent did not resume its data channel")
            try await Task.sleep(for: .milliseconds(300))
            proxy.refuse(where: ChannelRequest.data)
            #expect(proxy.cut(where: ChannelRequest.data) == 1)
            #expect(!shell.text.contains("end-42"), "the output ended before the second cut")
            try await Task.sleep(for: .seconds(1))
            proxy.refuse(where: nil)
            _ = try await shell.waitFor("end-42", from: start, timeout: .seconds(60))

            let lines = String(decoding: shell.bytes[start...], as: UTF8.self).components(separatedBy: "\r\n")
            let numbers = lines.prefix { Int($0) != nil }.compactMap { Int($0) }
            #expect(numbers.elementsEqual(1...100_000),
                    "\(numbers.count) lines, first wrong at \(zip(numbers, 1...).first { $0 != $1 }.map { "\($0)" } ?? "the end")")
            // Typing still reaches the shell after the resumes.
            await shell.type("stty echo; echo ty''ped-$((7*8))\n")
            _ = try await shell.waitFor("typed-56", from: start)
            #expect(await shell.exitAndClose(), "session did not end after exit")
        }
    }
}

/// The agent's control channel drops while a session is live (its data channel left up): the session goes on, the
/// agent reconnects its control channel, and new sessions start.
@Suite("gangway-agent loses its control channel mid-session", .serialized, .timeLimit(.minutes(2)))
struct AgentControlChannelDropTests {
    @Test("control channel cut twice during a session: typing still works, the agent is Online, a second session opens")
    func sessionOutlivesAControlChannelCut() async throws {
        try await withCluster { cluster in
            let proxy = try CuttableTCPProxy(to: cluster.port)
            defer { proxy.stop() }
            let id = try await cluster.startAgent("control-1", server: proxy.url)
            let shell = try await ShellClient(cluster: cluster, target: id)
            await shell.type("echo on''e-$((1+1))\n")
            var at = try await shell.waitFor("one-2")
            #expect(proxy.cut(where: ChannelRequest.control) == 1, "no agent control channel through the proxy: \(proxy.liveFirstLines)")
            await shell.type("echo tw''o-$((2+2))\n")
            at = try await shell.waitFor("two-4", from: at)
            // A new connection, not the cut one (which stays listed until its relay threads end).
            #expect(await eventually(timeout: .seconds(20)) { proxy.firstLinesSeen.filter(ChannelRequest.control).count == 2 },
                    "the agent did not reconnect its control channel")
            try await Task.sleep(for: .milliseconds(300))
            proxy.cut(where: ChannelRequest.control)
            await shell.type("echo thr''ee-$((3+3))\n")
            at = try await shell.waitFor("three-6", from: at)
            #expect(try await eventually(timeout: .seconds(20)) { try await cluster.pingStatus(id) == "Online" })
            let second = try await ShellClient(cluster: cluster, target: id)
            await second.type("echo fo''ur-$((4+4))\n")
            _ = try await second.waitFor("four-8")
            #expect(await second.exitAndClose(), "the second session did not end")
            #expect(await shell.exitAndClose(), "the first session did not end")
        }
    }
}

/// The agent's control channel goes silent without closing (a path that died with no FIN or RST): gangwayd still
/// counts the agent connected, takes a StartSession and sends the request into the void. The session does not sit
/// in Connecting until the idle timeout: after `--agent-join-timeout` it ends as Failed, the client is told why, and
/// the session's history says so; the agent finds the dead control channel by itself and a retry works.
@Suite("a session whose agent never opens it", .serialized, .timeLimit(.minutes(2)))
struct AgentJoinTimeoutTests {
    @Test("control channel stalled: the session fails after the join timeout, the client hears why, history says Failed")
    func sessionFailsWhenTheAgentNeverJoins() async throws {
        try await withCluster(serverArgs: ["--agent-join-timeout", "2"]) { cluster in
            let proxy = try CuttableTCPProxy(to: cluster.port)
            defer { proxy.stop() }
            let id = try await cluster.startAgent("join-1", server: proxy.url)
            #expect(proxy.stall(where: ChannelRequest.control) == 1, "\(proxy.liveFirstLines)")
            let started = ContinuousClock.now
            let shell = try await ShellClient(cluster: cluster, target: id)
            #expect(await eventually(timeout: .seconds(15)) { shell.closed }, "the client was never told the session ended")
            let waited = ContinuousClock.now - started
            #expect(waited >= .seconds(1.5) && waited < .seconds(10), "ended after \(waited)")
            #expect(shell.text.isEmpty, "output from a session no agent opened: \(shell.text.debugDescription)")
            await shell.close()

            let history = try await cluster.call("DescribeSessions", ["State": "History"])
            let sessions = history["Sessions"] as? [[String: Any]] ?? []
            let record = try #require(sessions.first { $0["SessionId"] as? String == shell.sessionId }, "\(history)")
            #expect(record["Status"] as? String == "Failed", "\(record)")
            let details = record["Details"] as? String ?? ""
            #expect(details.contains("did not open the session within 2 s"), "\(record)")

            // The agent finds its control channel dead by itself (its WebSocket pings go unanswered: 2 × 10 s here)
            // and reconnects; a retry then works.
            #expect(await eventually(timeout: .seconds(45)) { proxy.firstLinesSeen.filter(ChannelRequest.control).count >= 2 },
                    "the agent never reconnected its control channel: \(proxy.firstLinesSeen)")
            let retry = try await ShellClient(cluster: cluster, target: id)
            await retry.type("echo ret''ry-$((5+5))\n")
            _ = try await retry.waitFor("retry-10")
            #expect(await retry.exitAndClose(), "the retried session did not end")
        }
    }
}

/// The agent's data channel dies silently mid-session (the path drops everything, no FIN or RST): the agent hears
/// nothing from gangwayd, pings, and after its keepalive's dead time (shortened here through
/// `GANGWAY_DATA_KEEPALIVE`) drops the socket and resumes on a new one; what was typed into the dead path arrives.
@Suite("gangway-agent drops a data channel that went silent", .serialized, .timeLimit(.minutes(2)))
struct AgentDataChannelKeepaliveTests {
    @Test("data channel stalled: the agent resumes within its keepalive's dead time and the keystroke typed meanwhile runs")
    func silentPathIsDroppedAndResumed() async throws {
        try await withCluster { cluster in
            let proxy = try CuttableTCPProxy(to: cluster.port)
            defer { proxy.stop() }
            let id = try await cluster.startAgent("keepalive-1", server: proxy.url,
                                                  environment: ["GANGWAY_DATA_KEEPALIVE": "1,2.5,0.25"])
            let shell = try await ShellClient(cluster: cluster, target: id)
            await shell.type("echo on''e-$((1+1))\n")
            var at = try await shell.waitFor("one-2")
            #expect(proxy.stall(where: ChannelRequest.data) == 1, "\(proxy.liveFirstLines)")
            let stalled = ContinuousClock.now
            await shell.type("echo tw''o-$((2+2))\n")  // into the dead path
            at = try await shell.waitFor("two-4", from: at, timeout: .seconds(30))
            let took = ContinuousClock.now - stalled
            #expect(took >= .seconds(2) && took < .seconds(15), "the keystroke came through after \(took)")
            #expect(proxy.firstLinesSeen.filter(ChannelRequest.data).count == 2, "not one new data channel: \(proxy.firstLinesSeen)")
            await shell.type("echo thr''ee-$((3+3))\n")
            _ = try await shell.waitFor("three-6", from: at)
            #expect(await shell.exitAndClose(), "session did not end after exit")
        }
    }
}
