import AWSCore
@testable import ControlPlane
import Foundation
import SessionCore
import WSClient

/// A scripted agent speaking docs/CONTROL-PLANE.md: registers, opens its control channel, answers interactive_shell
/// by opening the session's data channel. Lets tests drive exact frames.
final class FakeAgent: Sendable {
    let cp: TestControlPlane
    let instanceId: String
    let credentials: AWSCredentials
    let control: TestSocket

    static func register(_ cp: TestControlPlane, labels: [String: String] = [:],
                         computerName: String = "web-1") async throws -> (instanceId: String, credentials: AWSCredentials) {
        let token = try await cp.server.store.createAgentToken()
        let labelsJSON = String(decoding: try JSONSerialization.data(withJSONObject: labels), as: UTF8.self)
        let r = try await cp.unsigned("/gangway/v1/agents/register", body: """
            {"RegistrationToken":"\(token)","ComputerName":"\(computerName)","PlatformType":"Linux","PlatformName":"Debian GNU/Linux","PlatformVersion":"12","IPAddress":"10.0.0.7","AgentVersion":"3.3.0.0","Labels":\(labelsJSON)}
            """)
        guard r.status == 200, let o = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: String],
              let id = o["InstanceId"], let akid = o["AccessKeyId"], let secret = o["SecretAccessKey"] else {
            throw TestFailure("registration failed: \(r.status) \(r.bodyText)")
        }
        return (id, AWSCredentials(accessKeyId: akid, secretAccessKey: secret))
    }

    init(cp: TestControlPlane, instanceId: String, credentials: AWSCredentials, control: TestSocket) {
        self.cp = cp
        self.instanceId = instanceId
        self.credentials = credentials
        self.control = control
    }

    /// Registers and connects the control channel.
    static func start(_ cp: TestControlPlane, labels: [String: String] = [:], runId: String? = nil) async throws -> FakeAgent {
        let (id, creds) = try await register(cp, labels: labels)
        let control = try await openControl(cp, instanceId: id, credentials: creds, runId: runId)
        // Returns once gangwayd has the control channel: a StartSession right after must find the agent connected.
        // (Asked of the registry directly: a test's default caller may not be allowed GetConnectionStatus.)
        _ = await eventually { await cp.server.services.agents.isOnline(id, now: cp.clock.now()) }
        return FakeAgent(cp: cp, instanceId: id, credentials: creds, control: control)
    }

    /// `runId`: the `GangwayAgentRunId` gangway-agent sends (nil: none, as amazon-ssm-agent).
    static func openControl(_ cp: TestControlPlane, instanceId: String, credentials: AWSCredentials,
                            runId: String? = nil) async throws -> TestSocket {
        let r = try await cp.agentPost("/v1/control-channel/\(instanceId)",
                                       body: #"{"MessageSchemaVersion":"1.0","RequestId":"r1"}"#, credentials: credentials)
        guard r.status == 201, let token = xmlToken(r.bodyText) else {
            throw TestFailure("CreateControlChannel failed: \(r.status) \(r.bodyText)")
        }
        let socket = try await TestSocket.open("\(cp.wsBase)/v1/control-channel/\(instanceId)?role=subscribe&stream=input")
        let run = runId.map { #","GangwayAgentRunId":"\#($0)""# } ?? ""
        try await socket.sendText(#"{"Cookie":null,"MessageSchemaVersion":"1.0","RequestId":"r2","TokenValue":"\#(token)","AgentVersion":"3.3.0.0","PlatformType":"linux"\#(run)}"#)
        return socket
    }

    static func xmlToken(_ xml: String) -> String? {
        guard let a = xml.range(of: "<TokenValue>"), let b = xml.range(of: "</TokenValue>") else { return nil }
        return String(xml[a.upperBound..<b.lowerBound])
    }

    /// Waits for the next control message of `type`.
    func nextControl(_ type: MessageType, within seconds: Double = 5) async -> ClientMessage? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let m = await control.next(within: deadline.timeIntervalSinceNow) else { return nil }
            if case .binary(let b) = m, let msg = try? ClientMessage.decode(Array(buffer: b)), msg.messageType == type {
                return msg
            }
        }
        return nil
    }

    func heartbeat() async throws {
        let msg = ClientMessage.control(type: .agentHeartbeat, payloadJSON: Array(#"{"InstanceId":"\#(instanceId)"}"#.utf8),
                                        flags: 0, now: UInt64(Date().timeIntervalSince1970 * 1000))
        try await control.sendBinary(msg.encode())
    }

    /// CreateDataChannel + open the data socket for `sessionId`.
    func openData(_ sessionId: String) async throws -> TestSocket {
        let openText = try await dataChannelOpenText(sessionId)
        let socket = try await TestSocket.open("\(cp.wsBase)/v1/data-channel/\(sessionId)?role=publish_subscribe")
        try await socket.sendText(openText)
        return socket
    }

    /// The session's data channel on a raw socket that reads nothing until told to (`StalledClient`): an agent
    /// whose shell takes no input.
    func openStalledData(_ sessionId: String) async throws -> StalledClient {
        try await StalledClient.connect(port: cp.server.port, path: "/v1/data-channel/\(sessionId)?role=publish_subscribe",
                                        openText: try await dataChannelOpenText(sessionId))
    }

    /// CreateDataChannel for `sessionId`: the opening frame's text that redeems its token.
    private func dataChannelOpenText(_ sessionId: String) async throws -> String {
        let r = try await cp.agentPost("/v1/data-channel/\(sessionId)",
                                       body: #"{"MessageSchemaVersion":"1.0","RequestId":"r3","ClientId":"c1"}"#,
                                       credentials: credentials)
        guard r.status == 201, let token = Self.xmlToken(r.bodyText) else {
            throw TestFailure("CreateDataChannel failed: \(r.status) \(r.bodyText)")
        }
        return try OpenDataChannelInput.agent(requestId: "r4", tokenValue: token, clientId: "c1", instanceId: instanceId).jsonText()
    }
}

/// Frame builders for tests.
enum Frames {
    static var now: UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }

    static func output(_ text: String, seq: Int64) -> [UInt8] {
        ClientMessage(messageType: .outputStreamData, createdDate: now, sequenceNumber: seq, flags: seq == 0 ? 1 : 0,
                      payloadType: .output, payload: Array(text.utf8)).encode()
    }

    static func input(_ bytes: [UInt8], seq: Int64, type: PayloadType = .output) -> [UInt8] {
        ClientMessage(messageType: .inputStreamData, createdDate: now, sequenceNumber: seq, payloadType: type,
                      payload: bytes).encode()
    }

    static func state(_ s: String, session: String) -> [UInt8] {
        (try? ClientMessage.control(type: .agentSessionState, payload: AgentSessionState(sessionState: s, sessionId: session),
                                    now: now).encode()) ?? []
    }

    static func echo(_ on: Bool) -> [UInt8] {
        ClientMessage.control(type: .gangwayEchoState, payloadJSON: Array(#"{"Echo":\#(on)}"#.utf8), flags: 0, now: now).encode()
    }

    /// Decodes a binary message, nil for anything else.
    static func decode(_ m: WebSocketMessage?) -> ClientMessage? {
        guard let m, case .binary(let b) = m else { return nil }
        return try? ClientMessage.decode(Array(buffer: b))
    }
}
