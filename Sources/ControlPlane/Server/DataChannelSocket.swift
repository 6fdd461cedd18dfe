import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SessionCore

/// `GET /v1/data-channel/<sessionId>` WebSocket, for both the client (StartSession/ResumeSession token) and the
/// agent (CreateDataChannel token). After the opening text frame every binary frame goes through the session's relay.
struct DataChannelSocket: Sendable {
    let services: ControlPlaneServices

    enum Side: Sendable { case client, agent }

    func run(sessionId: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
             channel: (any Channel)? = nil) async {
        var messages = inbound.messages(maxSize: services.config.maxFrameBytes).makeAsyncIterator()
        guard let open = try? await messages.next(), case .text(let text) = open, let token = OpenFrame.token(text) else {
            try? await outbound.close(.policyViolation, reason: "first frame must be OpenDataChannelInput JSON with TokenValue")
            return
        }
        let side: Side
        switch await services.sessions.redeem(token) {
        case .granted(.clientDataChannel(let s)) where s == sessionId: side = .client
        case .granted(.agentDataChannel(let s, _)) where s == sessionId: side = .agent
        default:
            try? await outbound.close(.policyViolation, reason: "token is invalid, used or expired; call ResumeSession for a new one")
            return
        }
        guard let relay = await services.sessions.relay(sessionId),
              let recording = await services.sessions.recording(sessionId) else {
            try? await outbound.close(.policyViolation, reason: "session \(sessionId) has ended")
            return
        }
        let peer = RelayPeer(id: UUID(), writer: outbound, channel: channel)
        let (replaced, pending) = side == .client ? await relay.attachClient(peer, now: services.clock.now())
                                                  : await relay.attachAgent(peer)
        if let replaced { try? await replaced.writer.close(.normalClosure, reason: "replaced by a newer connection") }
        for frame in pending { try? await outbound.writeBinaryMessage(frame) }
        if side == .client { await services.sessions.clientAttached(sessionId) } else { await services.sessions.agentAttached(sessionId) }

        do {
            while true {
                // Flow control towards the client: while it has the whole budget unacknowledged, leave the agent's
                // frames in its socket (TCP pushes back to the agent) instead of reading them into gangwayd.
                if side == .agent { await relay.waitForClientBudget(agentId: peer.id) }
                guard let message = try await messages.next() else { break }
                guard case .binary(let buffer) = message else { continue }
                let now = services.clock.now()
                let route = side == .client ? await relay.fromClient(buffer, now: now) : await relay.fromAgent(buffer, now: now)
                // Recorded before forwarding: the client can acknowledge only what was forwarded, and the agent drops
                // what was acknowledged, so every byte the client could have acknowledged is already in the recording
                // when gangwayd dies (kill -9) at any point.
                for event in route.record {
                    switch event {
                    case .output(let bytes): await recording.output(bytes, at: now)
                    case .input(let bytes, let redacted): await recording.input(bytes, at: now, redacted: redacted)
                    case .resize(let cols, let rows): await recording.resize(cols: cols, rows: rows, at: now)
                    }
                }
                if let writer = route.forward {
                    // Awaiting the write keeps order and stops this loop while NIO reports the peer unwritable (it
                    // does not bound memory on its own: see SessionRelay). A failed write means that side just
                    // left; the sender resends unacked data.
                    for frame in route.frames {
                        do { try await writer.writeBinaryMessage(frame) } catch { await relay.writeFailed() }
                    }
                }
                if route.agentTerminating {
                    await services.sessions.end(sessionId, status: .terminated,
                                                reason: "Exiting session with sessionId: \(sessionId).", notifyAgent: false)
                }
            }
        } catch {
            services.logger.debug("data channel read ended", metadata: ["session": "\(sessionId)", "error": "\(error)"])
        }
        if side == .client {
            if await relay.detachClient(peer.id) { await services.sessions.clientDetached(sessionId) }
        } else {
            _ = await relay.detachAgent(peer.id)
        }
    }
}
