import ControlPlane
import Foundation
import SessionCore
import Testing

/// Payload of the `seq`th output message in these tests: recognisable per sequence number, so a lost, repeated or
/// reordered message shows.
private func pattern(_ seq: Int, size: Int) -> String {
    let head = "seq=\(seq);"
    let fill = Character(UnicodeScalar(UInt8(65 + seq % 26)))
    return head + String(repeating: fill, count: size - head.utf8.count)
}

/// Starts a session whose client is a raw socket that never reads (until told to).
private func startStalledSession(_ cp: TestControlPlane) async throws -> (sessionId: String, agentData: TestSocket,
                                                                            client: StalledClient) {
    let (sessionId, token, agentData) = try await startSessionWithoutClient(cp)
    let client = try await StalledClient.connect(port: cp.server.port, path: "/v1/data-channel/\(sessionId)?role=publish_subscribe",
                                   openText: try OpenDataChannelInput.client(requestId: "q", tokenValue: token,
                                                                             clientId: "c").jsonText())
    _ = try await eventually {
        let a = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]]
        return a?.contains { $0["SessionId"] as? String == sessionId && $0["Status"] as? String == "Connected" } == true
    }
    return (sessionId, agentData, client)
}

/// Waits up to 5 s for a data message whose payload is `text` (earlier, late messages are skipped).
private func receive(_ text: String, on socket: TestSocket) async -> Bool {
    let deadline = Date().addingTimeInterval(5)
    while Date() < deadline {
        guard let m = await socket.next(within: deadline.timeIntervalSinceNow) else { return false }
        if Frames.decode(m)?.payloadText == text { return true }
    }
    return false
}

@Suite("gangwayd flow control towards slow clients", .serialized)
struct RelayBackpressureTests {
    @Test("a client that never reads: gangwayd reads ≤ budget from the agent, other sessions stay responsive, and once it reads the stream arrives intact")
    func slowClientBackpressure() async throws {
        let budget = 2 << 20
        let cp = try await TestControlPlane(configure: { $0.clientAckBudgetBytes = budget; $0.slowClientCutoffSeconds = 600 })
        defer { Task { await cp.stop() } }
        let other = try await startSession(cp)
        let (_, agentData, client) = try await startStalledSession(cp)
        defer { client.close() }

        // The agent offers 240 × 64 KiB (15 MiB) as fast as it can, ignoring acks (a real agent keeps ≤ 1 MiB
        // unacked; gangwayd must not rely on that).
        let frameSize = 64 * 1024
        let total = 240
        let pusher = Task {
            for seq in 0..<total { try await agentData.sendBinary(Frames.output(pattern(seq, size: frameSize), seq: Int64(seq))) }
        }
        var readAt: [Int] = []
        for second in 1...8 {
            // Meanwhile the other session keeps working both ways, and the API answers.
            let started = Date()
            try await other.client.sendBinary(Frames.input(Array("k\(second)".utf8), seq: Int64(second - 1)))
            #expect(await receive("k\(second)", on: other.agentData), "the other session's input did not reach its agent")
            try await other.agentData.sendBinary(Frames.output("o\(second)", seq: Int64(second - 1)))
            #expect(await receive("o\(second)", on: other.client), "the other session's output did not reach its client")
            #expect(try await cp.call("DescribeSessions", #"{"State":"Active"}"#).status == 200)
            // Generous for a loaded 2-core machine; a relay blocked by the stalled session would never answer.
            #expect(Date().timeIntervalSince(started) < 4, "the other session took \(Date().timeIntervalSince(started)) s")
            try await Task.sleep(for: .seconds(max(0.05, 1 - Date().timeIntervalSince(started))))
            readAt.append(await cp.server.relayCounters().bytesFromAgent)
        }
        let stalled = await cp.server.relayCounters()
        print("slow client: gangwayd read from the agents \(readAt) bytes after 1…8 s (budget \(budget)); \(stalled)")
        // One frame may be in flight past the budget (the one that crossed it), plus the other session's few bytes.
        #expect(readAt.last! <= budget + 2 * (frameSize + 512), "gangwayd read \(readAt.last!) bytes for a client that never reads")
        #expect(readAt.last! >= budget / 2, "the budget should let the stream run until it is full")
        #expect(readAt[7] - readAt[3] < frameSize, "what gangwayd reads must stop growing once the budget is full")
        #expect(stalled.budgetPauses >= 1)

        // The client wakes up: reads and acks. Everything arrives, in order, once.
        let (output, closed) = await client.readOutput { $0.count >= total }
        #expect(!closed)
        #expect(output.map(\.sequenceNumber) == (0..<total).map(Int64.init))
        let intact = output.enumerated().allSatisfy { i, m in m.payloadText == pattern(i, size: frameSize) }
        #expect(intact, "an output message arrived with the wrong bytes")
        try await pusher.value
        let after = await cp.server.relayCounters()
        print("slow client after reading: \(after)")
        #expect(after.bytesAckedByClient >= total * frameSize)
        #expect(after.overflowDrops == 0)
        #expect(after.slowClientCutoffs == 0)
    }

    @Test("a client that acknowledges nothing for the stall timeout is cut off (logged, audited); the session stays resumable")
    func slowClientCutOff() async throws {
        let cp = try await TestControlPlane(configure: { $0.clientAckBudgetBytes = 256 << 10; $0.slowClientCutoffSeconds = 1 })
        defer { Task { await cp.stop() } }
        let (sessionId, agentData, client) = try await startStalledSession(cp)
        defer { client.close() }
        let frameSize = 16 * 1024
        let total = 48
        let pusher = Task {
            for seq in 0..<total { try await agentData.sendBinary(Frames.output(pattern(seq, size: frameSize), seq: Int64(seq))) }
        }
        #expect(try await eventually(6) { await cp.audit.events.contains { $0.eventName == "SlowClientCutOff" } })
        let event = try #require(await cp.audit.events.first { $0.eventName == "SlowClientCutOff" })
        #expect(event.sessionId == sessionId)
        #expect(event.errorMessage?.contains("ResumeSession") == true)
        #expect(await client.peerClosed(within: 5), "gangwayd should have closed the stalled client's connection")
        #expect(try await eventually {
            let a = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]]
            return a?.first?["Status"] as? String == "Disconnected"
        })
        let cut = await cp.server.relayCounters()
        #expect(cut.slowClientCutoffs == 1)
        #expect(cut.bytesFromAgent <= (256 << 10) + 2 * (frameSize + 512))

        // Resume: the agent's remaining output flows to the new client (this fake agent does not retransmit what
        // went to the cut-off client; a real one does).
        let r = try await cp.call("ResumeSession", #"{"SessionId":"\#(sessionId)"}"#)
        let token = try #require(r.json["TokenValue"] as? String)
        let again = try await TestSocket.open(try #require(r.json["StreamUrl"] as? String))
        try await again.sendText(try OpenDataChannelInput.client(requestId: "z", tokenValue: token, clientId: "c").jsonText())
        var last: Int64 = -1
        while last < Int64(total - 1), let m = Frames.decode(await again.next(within: 5)) {
            guard m.messageType == .outputStreamData else { continue }
            #expect(m.sequenceNumber > last)
            #expect(m.payloadText == pattern(Int(m.sequenceNumber), size: frameSize))
            last = m.sequenceNumber
            try await again.sendBinary(ClientMessage.acknowledging(m, now: Frames.now).encode())
        }
        #expect(last == Int64(total - 1), "the resumed client should get the agent's output up to the end")
        try await pusher.value
    }
}
