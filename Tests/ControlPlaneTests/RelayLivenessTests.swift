import ControlPlane
import Foundation
import SessionCore
import Testing

/// Payload of the `seq`th output message: recognisable per sequence number.
private func text(_ seq: Int, size: Int) -> String {
    let head = "seq=\(seq);"
    return head + String(repeating: Character(UnicodeScalar(UInt8(97 + seq % 26))), count: size - head.utf8.count)
}

private func sessionStatus(_ cp: TestControlPlane, _ sessionId: String) async throws -> String? {
    let a = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]]
    return a?.first { $0["SessionId"] as? String == sessionId }?["Status"] as? String
}

/// gangwayd pings every WebSocket and closes one that answers nothing by the next ping. On a relayed socket the
/// answer can be stuck behind data: these pin down that live peers are not cut for it and dead ones still are.
@Suite("gangwayd's pings on relayed data channels", .serialized)
struct RelayLivenessTests {
    @Test("an agent socket gangwayd stops reading (flow control) and a client that types but reads nothing outlive many pings; the stream then arrives whole on the same sockets")
    func pausedAndBusySocketsAreNotCutAsDead() async throws {
        let cp = try await TestControlPlane(configure: {
            $0.webSocketPingSeconds = 1
            $0.clientAckBudgetBytes = 64 << 10
            $0.slowClientCutoffSeconds = 600
        })
        defer { Task { await cp.stop() } }
        let (sessionId, token, agentData) = try await startSessionWithoutClient(cp)
        let client = try await StalledClient.connect(port: cp.server.port, path: "/v1/data-channel/\(sessionId)?role=publish_subscribe",
                                                     openText: try clientOpenText(token))
        defer { client.close() }
        client.sendImmediately()
        #expect(try await eventually { try await sessionStatus(cp, sessionId) == "Connected" })

        // The agent offers 64 × 16 KiB, 16 times the client's budget: gangwayd stops reading the agent's socket, so
        // the agent's pongs wait in it. The client reads nothing (gangwayd's pings wait unread) but types every
        // 0.2 s, for 5 s = 5 ping periods (a loaded machine may stretch a gap between keystrokes well past 0.2 s).
        let frameSize = 16 * 1024
        let total = 64
        let pusher = Task {
            for seq in 0..<total { try await agentData.sendBinary(Frames.output(text(seq, size: frameSize), seq: Int64(seq))) }
        }
        let keys = 25
        for i in 0..<keys {
            let sent = await StalledClient.onOwnThread { client.sendBinaryBlocking(Frames.input(Array("k\(i)".utf8), seq: Int64(i))) }
            #expect(sent, "keystroke \(i) could not be sent: gangwayd closed the client's socket")
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(await cp.server.relayCounters().budgetPauses >= 1, "the agent's socket should have been paused")
        #expect(await inputTexts(on: agentData, count: keys) == (0..<keys).map { "k\($0)" })
        #expect(try await sessionStatus(cp, sessionId) == "Connected")

        // The client wakes up: all output, in order, once, then a last message the agent sends on its same socket.
        let (output, closed) = await client.readOutput { $0.count >= total }
        #expect(!closed, "gangwayd closed the client's socket")
        #expect(output.map(\.sequenceNumber) == (0..<total).map(Int64.init))
        #expect(output.enumerated().allSatisfy { i, m in m.payloadText == text(i, size: frameSize) })
        try await pusher.value
        try await agentData.sendBinary(Frames.output("after the stall", seq: Int64(total)))
        let (later, _) = await client.readOutput(idle: 5) { $0.contains { $0.payloadText == "after the stall" } }
        #expect(later.contains { $0.payloadText == "after the stall" }, "the agent's socket no longer relays")
    }

    @Test("an agent that stops reading its socket (its shell takes no input) while the client pastes is not cut; once it reads, the paste arrives whole")
    func agentNotReadingIsNotCut() async throws {
        let cp = try await TestControlPlane(configure: { $0.webSocketPingSeconds = 0.3 })
        defer { Task { await cp.stop() } }
        let agent = try await FakeAgent.start(cp)
        let r = try await cp.call("StartSession", #"{"Target":"\#(agent.instanceId)"}"#)
        let sessionId = try #require(r.json["SessionId"] as? String)
        _ = await agent.nextControl(.interactiveShell)
        let agentData = try await agent.openStalledData(sessionId)
        defer { agentData.close() }
        let client = try await TestSocket.open(try #require(r.json["StreamUrl"] as? String))
        try await client.sendText(try clientOpenText(try #require(r.json["TokenValue"] as? String)))
        #expect(try await eventually { try await sessionStatus(cp, sessionId) == "Connected" })

        // 96 × 16 KiB of input: far more than the agent's socket and gangwayd's buffers hold, so gangwayd's queue
        // to the agent stays full (with its pings in it) and it stops reading the client. 3 s = 10 ping periods.
        let frameSize = 16 * 1024
        let total = 96
        let paste = Task {
            for seq in 0..<total {
                try await client.sendBinary(Frames.input(Array(text(seq, size: frameSize).utf8), seq: Int64(seq)))
            }
        }
        try await Task.sleep(for: .seconds(3))
        #expect(try await sessionStatus(cp, sessionId) == "Connected")

        // The shell reads again: the whole paste, in order, on the same socket.
        let inputs: [ClientMessage] = await StalledClient.onOwnThread {
            var got: [ClientMessage] = []
            while got.count < total, case .message(let m)? = agentData.readMessageBlocking(timeout: 10) {
                if m.messageType == .inputStreamData { got.append(m) }
            }
            return got
        }
        #expect(inputs.map(\.sequenceNumber) == (0..<total).map(Int64.init), "the agent's socket was cut or input was lost")
        #expect(inputs.enumerated().allSatisfy { i, m in m.payloadText == text(i, size: frameSize) })
        try await paste.value
    }

    @Test("a client that neither reads nor sends is still closed as dead after a missed ping; the session waits for a resume")
    func silentClientIsClosed() async throws {
        let cp = try await TestControlPlane(configure: { $0.webSocketPingSeconds = 0.3 })
        defer { Task { await cp.stop() } }
        let (sessionId, token, _) = try await startSessionWithoutClient(cp)
        let client = try await StalledClient.connect(port: cp.server.port, path: "/v1/data-channel/\(sessionId)?role=publish_subscribe",
                                                     openText: try clientOpenText(token))
        defer { client.close() }
        #expect(await client.peerClosed(within: 5), "gangwayd should close a socket that answers no ping")
        #expect(try await eventually { try await sessionStatus(cp, sessionId) == "Disconnected" })
    }

    @Test("websocket_ping is read from the config file and out-of-range values are refused")
    func pingSetting() throws {
        var config = ControlPlaneConfig(dataDir: URL(fileURLWithPath: "/nonexistent"))
        try ConfigFile(text: "websocket_ping = 12\n").apply(to: &config)
        #expect(config.webSocketPingSeconds == 12)
        config.webSocketPingSeconds = 0
        #expect(throws: ControlPlaneConfigError.self) { try config.validate() }
    }
}
