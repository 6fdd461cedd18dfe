import ControlPlane
import Foundation
import SessionCore
import Testing

/// gangwayd relays frames on the sockets' event loops (RelayFrameHandler) once a socket's task has handled what it
/// received before the hand-over. These tests send what a task would still hold at that moment.
@Suite("gangwayd relay on the event loop: hand-over, fragments, limits", .serialized)
struct RelayHandoverTests {
    /// A started session whose agent reported Connected, before any client connected.
    private func startWithoutClient(_ cp: TestControlPlane) async throws -> (sessionId: String, token: String, agentData: TestSocket) {
        let started = try await startSessionWithoutClient(cp)
        try await started.agentData.sendBinary(Frames.state("Connected", session: started.sessionId))
        return started
    }

    @Test("keystrokes sent in the same packet as the opening frame, and after it, reach the agent once each and in order")
    func handoverKeepsOrder() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let (sessionId, token, agentData) = try await startWithoutClient(cp)
        let early = (0..<200).map { StalledClient.maskedFrame(opcode: 0x2, payload: Frames.input(Array("k\($0)".utf8), seq: Int64($0))) }
        let client = try await StalledClient.connect(port: cp.server.port, path: "/v1/data-channel/\(sessionId)", openText: try clientOpenText(token),
                                       thenFrames: early)
        defer { client.close() }
        for i in 200..<400 {
            #expect(client.sendBinaryBlocking(Frames.input(Array("k\(i)".utf8), seq: Int64(i))))
            if i % 50 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        let got = await inputTexts(on: agentData, count: 400)
        #expect(got == (0..<400).map { "k\($0)" })
        let counters = await cp.server.relayCounters()
        #expect(counters.malformedFrames == 0 && counters.overflowDrops == 0)
    }

    @Test("a binary message in fragments is relayed as one message; text and pings between them do not disturb it")
    func fragmentedMessage() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let (sessionId, token, agentData) = try await startWithoutClient(cp)
        let client = try await StalledClient.connect(port: cp.server.port, path: "/v1/data-channel/\(sessionId)", openText: try clientOpenText(token))
        defer { client.close() }
        #expect(client.sendBinaryBlocking(Frames.input(Array("first".utf8), seq: 0)))
        #expect(await inputTexts(on: agentData, count: 1) == ["first"])   // the relay is on the event loop by now

        let whole = Frames.input(Array(String(repeating: "fragmented-", count: 300).utf8), seq: 1)
        let cut1 = whole.count / 3, cut2 = 2 * whole.count / 3
        try client.sendAll(StalledClient.maskedFrame(opcode: 0x2, payload: Array(whole[..<cut1]), fin: false))
        try client.sendAll(StalledClient.maskedFrame(opcode: 0x9, payload: Array("ping".utf8)))
        try client.sendAll(StalledClient.maskedFrame(opcode: 0x0, payload: Array(whole[cut1..<cut2]), fin: false))
        try client.sendAll(StalledClient.maskedFrame(opcode: 0x0, payload: Array(whole[cut2...])))
        #expect(client.sendBinaryBlocking(Frames.input(Array("after".utf8), seq: 2)))
        let got = await inputTexts(on: agentData, count: 2)
        #expect(got == [String(repeating: "fragmented-", count: 300), "after"])
        #expect(await cp.server.relayCounters().malformedFrames == 0)
    }

    @Test("a fragmented message over the frame limit closes that client's connection; nothing of it reaches the agent; the session is resumable")
    func oversizedFragments() async throws {
        let cp = try await TestControlPlane(configure: { $0.maxFrameBytes = 64 * 1024 })
        defer { Task { await cp.stop() } }
        let (sessionId, token, agentData) = try await startWithoutClient(cp)
        let client = try await StalledClient.connect(port: cp.server.port, path: "/v1/data-channel/\(sessionId)", openText: try clientOpenText(token))
        defer { client.close() }
        #expect(client.sendBinaryBlocking(Frames.input(Array("first".utf8), seq: 0)))
        #expect(await inputTexts(on: agentData, count: 1) == ["first"])

        let chunk = [UInt8](repeating: 0x41, count: 30 * 1024)
        try client.sendAll(StalledClient.maskedFrame(opcode: 0x2, payload: chunk, fin: false))
        for _ in 0..<3 { try? client.sendAll(StalledClient.maskedFrame(opcode: 0x0, payload: chunk, fin: false)) }
        let closed = await StalledClient.onOwnThread { client.readMessageBlocking(timeout: 5) }
        guard case .closed = closed else { Issue.record("expected the connection closed, got \(String(describing: closed))"); return }
        #expect(await inputTexts(on: agentData, count: 1, within: 0.5).isEmpty)
        let r = try await cp.call("ResumeSession", #"{"SessionId":"\#(sessionId)"}"#)
        #expect(r.json["TokenValue"] is String)
    }
}
