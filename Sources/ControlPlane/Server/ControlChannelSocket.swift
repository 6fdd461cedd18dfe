import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SessionCore

/// `GET /v1/control-channel/<instanceId>` WebSocket: the agent's control channel.
/// First a text frame with the CreateControlChannel token; then binary ClientMessages both ways.
struct ControlChannelSocket: Sendable {
    let services: ControlPlaneServices

    func run(instanceId: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
             channel: (any Channel)? = nil) async {
        var messages = inbound.messages(maxSize: services.config.maxFrameBytes).makeAsyncIterator()
        let open = await services.openingFrame(&messages, channel: channel, what: "control channel")
        guard let open, case .text(let text) = open, let (token, runId) = OpenFrame.fields(text) else {
            try? await outbound.close(.policyViolation, reason: "first frame must be the JSON text frame with TokenValue")
            return
        }
        guard case .granted(.controlChannel(let granted)) = await services.sessions.redeem(token), granted == instanceId else {
            try? await outbound.close(.policyViolation, reason: "control channel token is invalid, used or expired; call CreateControlChannel again")
            return
        }
        let connection = ControlConnection(instanceId: instanceId, runId: runId, writer: outbound)
        let now = services.clock.now()
        await services.agents.attach(connection, now: now)
        // A new agent process: the sessions the previous one ran died with it.
        if let runId { await services.sessions.agentRunStarted(instanceId, runId: runId) }
        try? await services.store.updateAgentPing(id: instanceId, at: now)
        do {
            while let message = try await messages.next() {
                guard case .binary(let buffer) = message else { continue }
                guard let frame = try? ClientMessage.decode(Array(buffer: buffer)) else {
                    services.logger.debug("malformed control frame dropped", metadata: ["instance": "\(instanceId)"])
                    continue
                }
                await handle(frame, from: instanceId, connection: connection)
            }
        } catch {
            services.logger.debug("control channel read ended", metadata: ["instance": "\(instanceId)", "error": "\(error)"])
        }
        await services.agents.detach(connection)
    }

    private func handle(_ frame: ClientMessage, from instanceId: String, connection: ControlConnection) async {
        let now = services.clock.now()
        switch frame.messageType {
        case .agentHeartbeat:
            await services.agents.heartbeat(instanceId, now: now)
            try? await services.store.updateAgentPing(id: instanceId, at: now)
        case .agentTaskComplete:
            guard let payload = try? JSONSerialization.jsonObject(with: Data(frame.payload)) as? [String: Any],
                  let sessionId = payload["TaskId"] as? String else { return }
            await services.agents.heartbeat(instanceId, now: now)
            if let record = await services.sessions.liveRecord(sessionId), record.target == instanceId {
                let status = payload["FinalTaskStatus"] as? String
                let output = (payload["Output"] as? String).map { " (\($0))" } ?? ""
                await services.sessions.end(sessionId, status: status == "Failed" ? .failed : .terminated,
                                            reason: "Session \(sessionId) ended on the instance\(output).", notifyAgent: false)
            }
            let ack: [String: Any] = ["SchemaVersion": 1, "MessageId": frame.messageId.uuidString.lowercased(),
                                      "TaskId": sessionId, "Topic": "agent_task_complete"]
            _ = await connection.send(ClientMessage.control(type: .agentTaskAcknowledge, payloadJSON: JSONResponse.encode(ack),
                                                            flags: 0, now: UInt64(now.timeIntervalSince1970 * 1000)))
        default:
            break
        }
    }
}

/// The first text frame of a channel: its TokenValue (and, from gangway-agent, its run id).
enum OpenFrame {
    static func token(_ text: String) -> String? { fields(text)?.token }

    static func fields(_ text: String) -> (token: String, runId: String?)? {
        guard text.utf8.count <= 64 * 1024,
              let o = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let t = o["TokenValue"] as? String, !t.isEmpty else { return nil }
        let run = (o["GangwayAgentRunId"] as? String).flatMap { (1...64).contains($0.utf8.count) ? $0 : nil }
        return (t, run)
    }
}
