import AWSCore
import ControlPlane
import Foundation
import NIOWebSocket
import SessionCore
import Synchronization
import Testing
import WSClient

/// A recorder that keeps events in memory; with `capacity`, storing more events than that fails (a full disk).
final class MemoryRecorder: SessionRecorder {
    private let box = Mutex<[String]>([])
    private let capacity: Int?
    init(capacity: Int? = nil) { self.capacity = capacity }
    var events: [String] { box.withLock { $0 } }
    func open(sessionId: String, target: String, owner: String, cols: Int, rows: Int,
              startedAt: Date) async throws -> any SessionRecording {
        MemoryRecording(owner: self)
    }
    func add(_ e: String) throws {
        try box.withLock { events in
            if let capacity, events.count >= capacity { throw DiskFull() }
            events.append(e)
        }
    }
}

struct DiskFull: Error, CustomStringConvertible {
    var description: String { "No space left on device" }
}

struct MemoryRecording: SessionRecording {
    let owner: MemoryRecorder
    func output(_ bytes: [UInt8], at: Date) throws { try owner.add("o:" + String(decoding: bytes, as: UTF8.self)) }
    func input(_ bytes: [UInt8], at: Date, redacted: Bool) throws {
        try owner.add(redacted ? "i:<redacted>" : "i:" + String(decoding: bytes, as: UTF8.self))
    }
    func resize(cols: Int, rows: Int, at: Date) throws { try owner.add("r:\(cols)x\(rows)") }
    func close() async { try? owner.add("close") }
}

/// A started session with both ends attached.
struct OpenSession {
    let sessionId: String
    let streamUrl: String
    let agent: FakeAgent
    let agentData: TestSocket
    let client: TestSocket

    /// Returns once gangwayd has attached the client's socket: a frame the client sends (input sequence 0) reached
    /// the agent. Without it, a test that ends the session at once races the client's opening frame: the session can
    /// end before the client is attached, and the client then gets "session has ended" instead of channel_closed.
    func clientAttached() async throws {
        try await client.sendBinary(Frames.input(Array("x".utf8), seq: 0))
        let relayed = try #require(Frames.decode(await agentData.next(within: 10)), "the client's frame never reached the agent")
        #expect(relayed.payload == Array("x".utf8))
    }
}

func startSession(_ cp: TestControlPlane, agent existing: FakeAgent? = nil) async throws -> OpenSession {
    let agent: FakeAgent
    if let existing { agent = existing } else { agent = try await FakeAgent.start(cp) }
    let r = try await cp.call("StartSession", #"{"Target":"\#(agent.instanceId)","Reason":"test"}"#)
    let sessionId = try #require(r.json["SessionId"] as? String)
    let token = try #require(r.json["TokenValue"] as? String)
    let url = try #require(r.json["StreamUrl"] as? String)
    let shell = try #require(await agent.nextControl(.interactiveShell))
    #expect(shell.payloadText.contains(sessionId))
    let agentData = try await agent.openData(sessionId)
    try await agentData.sendBinary(Frames.state("Connected", session: sessionId))
    let client = try await TestSocket.open(url)
    try await client.sendText(try OpenDataChannelInput.client(requestId: "q", tokenValue: token, clientId: "cl").jsonText())
    return OpenSession(sessionId: sessionId, streamUrl: url, agent: agent, agentData: agentData, client: client)
}

@Suite("gangwayd sessions: relay, tokens, recording, termination", .serialized)
struct SessionTests {
    @Test("StartSession → agent gets interactive_shell; frames relay both ways; the recording is ordered; exit ends it")
    func relayAndRecord() async throws {
        let recorder = MemoryRecorder()
        let cp = try await TestControlPlane(recorder: recorder)
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)
        #expect(s.sessionId.hasPrefix("alice-") && s.sessionId.count == "alice-".count + 17)
        #expect(s.streamUrl.hasPrefix(cp.wsBase + "/v1/data-channel/\(s.sessionId)"))

        try await s.client.sendBinary(Frames.input(SizeData(cols: 120, rows: 40).jsonBytes(), seq: 0, type: .size))
        try await s.client.sendBinary(Frames.input(Array("ls\r".utf8), seq: 1))
        let size = Frames.decode(await s.agentData.next())
        #expect(size?.payloadType == .size)
        let input = Frames.decode(await s.agentData.next())
        #expect(input?.payload == Array("ls\r".utf8))

        // Out of order and resent output: relayed as sent, recorded once each and in order.
        try await s.agentData.sendBinary(Frames.output("B", seq: 1))
        try await s.agentData.sendBinary(Frames.output("A", seq: 0))
        try await s.agentData.sendBinary(Frames.output("A", seq: 0))
        var got: [String] = []
        for _ in 0..<3 { if let m = Frames.decode(await s.client.next()) { got.append(m.payloadText) } }
        #expect(got == ["B", "A", "A"])

        // Echo off: input recorded as a redaction marker, never the bytes; gangway_echo_state is not forwarded.
        try await s.agentData.sendBinary(Frames.echo(false))
        try await Task.sleep(for: .milliseconds(100))
        try await s.client.sendBinary(Frames.input(Array("hunter2\r".utf8), seq: 2))
        _ = await s.agentData.next()

        let active = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]] ?? []
        #expect(active.first?["Status"] as? String == "Connected")
        #expect(active.first?["Reason"] as? String == "test")

        try await s.agentData.sendBinary(Frames.state("Terminating", session: s.sessionId))
        let closed = try #require(Frames.decode(await s.client.next()))
        #expect(closed.messageType == .channelClosed)
        #expect(try await eventually {
            let h = try await cp.call("DescribeSessions", #"{"State":"History"}"#).json["Sessions"] as? [[String: Any]] ?? []
            return h.first?["Status"] as? String == "Terminated" && h.first?["EndDate"] != nil
        })
        #expect(try await eventually { await recorder.events.last == "close" })
        let events = await recorder.events
        #expect(events == ["r:120x40", "i:ls\r", "o:A", "o:B", "i:<redacted>", "close"])

        // The logout is in the audit log too (the store is not tamper-evident): who, where, when, how it ended.
        #expect(await eventually { await cp.audit.events.contains { $0.eventName == "SessionEnded" } })
        let ended = try #require(await cp.audit.events.first { $0.eventName == "SessionEnded" && $0.sessionId == s.sessionId })
        let elements = try #require(try JSONSerialization.jsonObject(with: ended.responseElements ?? Data()) as? [String: Any])
        #expect(elements["owner"] as? String == "alice")
        #expect(elements["target"] as? String == s.agent.instanceId)
        #expect(elements["status"] as? String == "Terminated")
        #expect(elements["startDate"] is String && elements["endDate"] is String && elements["durationSeconds"] is Int)
        #expect(ended.target == s.agent.instanceId)
    }

    @Test("a recording that cannot be written ends the session as Failed; the frame it could not store is not relayed")
    func recordingFailureEndsTheSession() async throws {
        let recorder = MemoryRecorder(capacity: 1)
        let cp = try await TestControlPlane(recorder: recorder)
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)
        try await s.clientAttached()   // input "x": the one event the recording has room for
        #expect(recorder.events == ["i:x"])

        try await s.agentData.sendBinary(Frames.output("secret output", seq: 0))
        let first = try #require(Frames.decode(await s.client.next()), "the client got nothing")
        #expect(first.messageType == .channelClosed, "the client got \(first.messageType) '\(first.payloadText)'")
        #expect(first.payloadText.contains("could not write its recording (No space left on device)"))
        #expect(!first.payloadText.contains("secret output"))
        let agentSide = try #require(Frames.decode(await s.agentData.next()))
        #expect(agentSide.messageType == .channelClosed)
        try? await s.client.sendBinary(Frames.input(Array("rm -rf /tmp/x\r".utf8), seq: 1))   // its socket is closing
        #expect(Frames.decode(await s.agentData.next(within: 1))?.messageType != .inputStreamData)

        let h = try await cp.call("DescribeSessions", #"{"State":"History","Filters":[{"key":"SessionId","value":"\#(s.sessionId)"}]}"#)
        let ended = try #require((h.json["Sessions"] as? [[String: Any]])?.first)
        #expect(ended["Status"] as? String == "Failed")
        #expect((ended["Details"] as? String ?? "").contains("could not write its recording"))
        let audited = await cp.audit.events.filter { $0.eventName == "RecordingFailed" }
        #expect(audited.count == 1 && audited.first?.sessionId == s.sessionId)
        #expect(audited.first?.target == s.agent.instanceId)
        #expect(recorder.events == ["i:x"])
    }

    @Test("the client token is single-use; a replay is closed with 1008 and the session goes on")
    func tokenSingleUse() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let agent = try await FakeAgent.start(cp)
            let r = try await cp.call("StartSession", #"{"Target":"\#(agent.instanceId)"}"#)
        let token = try #require(r.json["TokenValue"] as? String)
        let url = try #require(r.json["StreamUrl"] as? String)
        let first = try await TestSocket.open(url)
        try await first.sendText(try OpenDataChannelInput.client(requestId: "a", tokenValue: token, clientId: "c").jsonText())
        try await Task.sleep(for: .milliseconds(100))
        let replay = try await TestSocket.open(url)
        try await replay.sendText(try OpenDataChannelInput.client(requestId: "b", tokenValue: token, clientId: "c").jsonText())
        #expect(await replay.closeCode() == .policyViolation)
        let garbage = try await TestSocket.open(url)
        try await garbage.sendText("not json")
        #expect(await garbage.closeCode() == .policyViolation)
    }

    @Test("a token presented after 60 s is refused")
    func tokenExpiry() async throws {
        let clock = ManualClock(start: Date())
        let cp = try await TestControlPlane(clock: clock)
        defer { Task { await cp.stop() } }
        let agent = try await FakeAgent.start(cp)
        let r = try await cp.call("StartSession", #"{"Target":"\#(agent.instanceId)"}"#)
        let token = try #require(r.json["TokenValue"] as? String)
        clock.advance(61)
        let late = try await TestSocket.open(try #require(r.json["StreamUrl"] as? String))
        try await late.sendText(try OpenDataChannelInput.client(requestId: "a", tokenValue: token, clientId: "c").jsonText())
        #expect(await late.closeCode() == .policyViolation)
    }

    @Test("garbage frames on the data socket are dropped and counted; the session goes on")
    func garbageFrames() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)
        try await s.client.sendBinary([1, 2, 3])
        var corrupt = Frames.input(Array("x".utf8), seq: 0)
        corrupt[corrupt.count - 1] ^= 0xFF   // digest no longer matches
        try await s.client.sendBinary(corrupt)
        try await s.client.sendBinary(Array(repeating: 0, count: 200))
        try await s.client.sendBinary(Frames.input(Array("ok".utf8), seq: 0))
        let delivered = Frames.decode(await s.agentData.next())
        #expect(delivered?.payloadText == "ok")
        #expect(await cp.server.relayCounters().malformedFrames == 3)
        let metrics = try await cp.unsigned("/metrics", method: "GET", body: "")
        #expect(metrics.bodyText.contains("gangway_relay_malformed_frames_total 3"))
    }

    @Test("TerminateSession sends channel_closed to the client, the agent's data channel and its control channel")
    func terminate() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)
        try await s.clientAttached()
        let r = try await cp.call("TerminateSession", #"{"SessionId":"\#(s.sessionId)"}"#)
        #expect(r.json["SessionId"] as? String == s.sessionId)
        #expect(Frames.decode(await s.client.next())?.messageType == .channelClosed)
        #expect(Frames.decode(await s.agentData.next())?.messageType == .channelClosed)
        let control = try #require(await s.agent.nextControl(.channelClosed))
        #expect(control.payloadText.contains(s.sessionId))
        let h = try await cp.call("DescribeSessions", #"{"State":"History","Filters":[{"key":"SessionId","value":"\#(s.sessionId)"}]}"#)
        #expect((h.json["Sessions"] as? [[String: Any]])?.first?["Status"] as? String == "Terminated")
    }

    @Test("a dropped client makes the session Disconnected; ResumeSession gives a fresh token that reattaches")
    func resume() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)
        try await s.clientAttached()
        await s.client.close()
        #expect(try await eventually {
            let a = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]]
            return a?.first?["Status"] as? String == "Disconnected"
        })
        // Output while no client is attached is held (bounded) and delivered on resume.
        try await s.agentData.sendBinary(Frames.output("while-away", seq: 0))
        let r = try await cp.call("ResumeSession", #"{"SessionId":"\#(s.sessionId)"}"#)
        let token = try #require(r.json["TokenValue"] as? String)
        let again = try await TestSocket.open(s.streamUrl)
        try await again.sendText(try OpenDataChannelInput.client(requestId: "z", tokenValue: token, clientId: "cl").jsonText())
        #expect(Frames.decode(await again.next())?.payloadText == "while-away")
        #expect(try await eventually {
            let a = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]]
            return a?.first?["Status"] as? String == "Connected"
        })
    }

    @Test("idle timeout and maximum duration end sessions (injected clock)")
    func deadlines() async throws {
        let clock = ManualClock(start: Date())
        let cp = try await TestControlPlane(configure: { $0.idleTimeoutMinutes = 1; $0.maxSessionDurationMinutes = 5;
                                                         $0.maintenanceInterval = 3600 }, clock: clock)
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)
        clock.advance(30)
        try await s.client.sendBinary(Frames.input(Array("a".utf8), seq: 0))
        _ = await s.agentData.next()
        clock.advance(40)   // 40 s since the last input: not idle yet
        await cp.server.runMaintenance()
        #expect(await s.client.next(within: 0.3) == nil)
        clock.advance(30)   // 70 s idle
        await cp.server.runMaintenance()
        let h = try await cp.call("DescribeSessions", #"{"State":"History"}"#).json["Sessions"] as? [[String: Any]] ?? []
        #expect((h.first?["Details"] as? String)?.contains("inactivity") == true)
        let closed = try #require(Frames.decode(await s.client.next()))
        #expect(closed.messageType == .channelClosed)
        #expect(closed.payloadText.contains("inactivity"))

        let s2 = try await startSession(cp)
        for _ in 0..<6 {
            clock.advance(55)
            try await s2.client.sendBinary(Frames.input(Array("k".utf8), seq: 0))
            _ = await s2.agentData.next()
            await cp.server.runMaintenance()
        }
        let closed2 = try #require(Frames.decode(await s2.client.next()))
        #expect(closed2.payloadText.contains("maximum duration"))
    }

    @Test("a started session no client opens within the client join timeout ends as Failed; one a client opened does not")
    func clientThatNeverJoins() async throws {
        let clock = ManualClock(start: Date())
        let cp = try await TestControlPlane(configure: { $0.clientJoinTimeoutSeconds = 60; $0.maintenanceInterval = 3600 },
                                            clock: clock)
        defer { Task { await cp.stop() } }
        let joined = try await startSession(cp)
        try await joined.clientAttached()
        let (orphan, _, _) = try await startSessionWithoutClient(cp)
        try await Task.sleep(for: .milliseconds(300))  // gangwayd attaches the agent's data channel
        clock.advance(50)
        await cp.server.runMaintenance()
        var active = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]] ?? []
        #expect(active.count == 2, "ended before the timeout: \(active)")
        clock.advance(15)
        await cp.server.runMaintenance()
        let h = try await cp.call("DescribeSessions", #"{"State":"History"}"#).json["Sessions"] as? [[String: Any]] ?? []
        let ended = try #require(h.first { $0["SessionId"] as? String == orphan })
        #expect(ended["Status"] as? String == "Failed")
        #expect((ended["Details"] as? String)?.contains("no client opened it within 60 s") == true, "\(ended)")
        active = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]] ?? []
        #expect(active.map { $0["SessionId"] as? String } == [joined.sessionId])
    }

    @Test("a new run of an agent ends the earlier run's sessions whose data channel is gone, not those still open (a twin sharing the identity)")
    func agentRestartEndsOrphans() async throws {
        let cp = try await TestControlPlane()
        defer { Task { await cp.stop() } }
        let agent = try await FakeAgent.start(cp, runId: "run-a")
        let orphan = try await startSession(cp, agent: agent)
        let twinned = try await startSession(cp, agent: agent)
        await orphan.agentData.close()  // run A died: its socket closed; twinned's stays open
        try await Task.sleep(for: .milliseconds(300))
        // The same run reconnecting its control channel (a network blip) ends nothing.
        _ = try await FakeAgent.openControl(cp, instanceId: agent.instanceId, credentials: agent.credentials, runId: "run-a")
        #expect(await orphan.client.next(within: 0.5) == nil)
        // Another run connects.
        _ = try await FakeAgent.openControl(cp, instanceId: agent.instanceId, credentials: agent.credentials, runId: "run-b")
        let closed = try #require(Frames.decode(await orphan.client.next()))
        #expect(closed.messageType == .channelClosed)
        #expect(closed.payloadText.contains("restarted"), "\(closed.payloadText)")
        #expect(await twinned.client.next(within: 0.5) == nil, "a session whose data channel is open was ended")
        let active = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]] ?? []
        #expect(active.map { $0["SessionId"] as? String } == [twinned.sessionId])
    }

    @Test("a session whose agent's data channel dropped and stayed away past the resume window ends as Failed; typing does not keep it")
    func agentThatNeverResumes() async throws {
        let clock = ManualClock(start: Date())
        let cp = try await TestControlPlane(configure: { $0.agentResumeWindowSeconds = 150; $0.maintenanceInterval = 3600 },
                                            clock: clock)
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)
        await s.agentData.close()  // the host went away
        try await Task.sleep(for: .milliseconds(300))  // gangwayd sees the socket close
        // The user keeps typing into the void for a while: that is activity, and the idle timeout never comes.
        for _ in 0..<4 {
            clock.advance(30)
            try await s.client.sendBinary(Frames.input(Array("k".utf8), seq: 0))
            await cp.server.runMaintenance()
        }
        #expect(await s.client.next(within: 0.3) == nil, "ended before the resume window passed")
        clock.advance(40)  // 160 s since the agent's socket closed
        await cp.server.runMaintenance()
        let closed = try #require(Frames.decode(await s.client.next()))
        #expect(closed.messageType == .channelClosed)
        #expect(closed.payloadText.contains("did not resume it"), "\(closed.payloadText)")
        let h = try await cp.call("DescribeSessions", #"{"State":"History"}"#).json["Sessions"] as? [[String: Any]] ?? []
        #expect(h.first?["Status"] as? String == "Failed")

        // An agent that does come back in time keeps the session.
        let s2 = try await startSession(cp)
        await s2.agentData.close()
        try await Task.sleep(for: .milliseconds(300))
        clock.advance(100)
        await cp.server.runMaintenance()
        let back = try await s2.agent.openData(s2.sessionId)
        try await Task.sleep(for: .milliseconds(300))  // gangwayd attaches it
        clock.advance(100)
        await cp.server.runMaintenance()
        let h2 = try await cp.call("DescribeSessions", #"{"State":"Active"}"#).json["Sessions"] as? [[String: Any]] ?? []
        #expect(h2.contains { $0["SessionId"] as? String == s2.sessionId }, "a resumed session was ended")
        let echoed = Frames.input(Array("x".utf8), seq: 0)
        try await s2.client.sendBinary(echoed)
        let got = try #require(Frames.decode(await back.next()))
        #expect(got.messageType == .inputStreamData, "the reopened data channel does not carry input: \(got.messageType)")
    }
}

final class LockedCounter: @unchecked Sendable {
    // @unchecked: `n` is only touched under `lock`.
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
