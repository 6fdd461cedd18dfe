import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Recording
import SessionCore

/// `GET /v1/data-channel/<sessionId>` WebSocket, for both the client (StartSession/ResumeSession token) and the
/// agent (CreateDataChannel token). After the opening text frame every binary frame goes through the session's relay.
struct DataChannelSocket: Sendable {
    let services: ControlPlaneServices

    enum Side: Sendable { case client, agent }

    func run(sessionId: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
             channel: (any Channel)? = nil) async {
        var messages = inbound.messages(maxSize: services.config.maxFrameBytes).makeAsyncIterator()
        let open = await services.openingFrame(&messages, channel: channel, what: "data channel")
        guard let open, case .text(let text) = open, let token = OpenFrame.token(text) else {
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
        guard let (replaced, pending) = side == .client ? relay.attachClient(peer, now: services.clock.now())
                                                        : relay.attachAgent(peer) else {
            try? await outbound.close(.policyViolation, reason: "session \(sessionId) has ended")
            return
        }
        if let replaced { try? await replaced.writer.close(.normalClosure, reason: DataChannelClose.replaced) }
        for frame in pending { try? await outbound.writeBinaryMessage(frame) }
        if side == .client { await services.sessions.clientAttached(sessionId) } else { await services.sessions.agentAttached(sessionId) }

        // From here the frames go through a RelayFrameHandler on the socket's event loop; this task relays only what
        // it had already received, up to the handler's marker.
        let handoff = services.config.relayOnEventLoop ? await installRelayHandler(
            channel: channel, side: side, peerId: peer.id, sessionId: sessionId, relay: relay, recording: recording) : nil
        var handedOver = false

        do {
            while true {
                // Flow control towards the client: while it has the whole budget unacknowledged, leave the agent's
                // frames in its socket (TCP pushes back to the agent) instead of reading them into gangwayd.
                if side == .agent && !handedOver { await relay.waitForClientBudget(agentId: peer.id) }
                guard let message = try await messages.next() else { break }
                guard case .binary(let buffer) = message else { continue }
                if let handoff, !handedOver, buffer == handoff.marker {
                    handedOver = true
                    handoff.handler.eventLoop.execute { handoff.handler.value.goLive() }
                    continue
                }
                let route = relay.take(buffer, from: side, now: services.clock.now(), recording: recording)
                if let writer = route.to?.writer {
                    // Awaiting the write keeps order and stops this loop while NIO reports the peer unwritable (it
                    // does not bound memory on its own: see SessionRelay). A failed write means that side just
                    // left; the sender resends unacked data.
                    if let frame = route.frame {
                        do { try await writer.writeBinaryMessage(frame) } catch { relay.writeFailed() }
                    }
                }
                if let cause = route.endCause { await end(sessionId, because: cause) }
            }
        } catch {
            services.logger.debug("data channel read ended", metadata: ["session": "\(sessionId)", "error": "\(error)"])
        }
        if side == .client {
            if relay.detachClient(peer.id) { await services.sessions.clientDetached(sessionId) }
        } else {
            _ = relay.detachAgent(peer.id, now: services.clock.now())
        }
    }

    /// Ends the session a relayed frame asked to end: the agent said it is ending (agent_session_state Terminating),
    /// or the recording could not store a frame (Failed, audited as `RecordingFailed`).
    private func end(_ sessionId: String, because cause: RelayEndCause) async {
        switch cause {
        case .agentTerminating:
            await services.sessions.end(sessionId, status: .terminated,
                                        reason: "Exiting session with sessionId: \(sessionId).", notifyAgent: false)
        case .recordingFailed(let error):
            await services.sessions.endBecauseRecordingFailed(sessionId, error: error)
        }
    }

    /// Puts a `RelayFrameHandler` into `channel`'s pipeline. Nil (the task relays everything) without a channel or
    /// when the pipeline is not the expected WebSocket one.
    private func installRelayHandler(channel: (any Channel)?, side: Side, peerId: UUID, sessionId: String,
                                     relay: SessionRelay, recording: any SessionRecording) async
        -> (handler: NIOLoopBound<RelayFrameHandler>, marker: ByteBuffer)? {
        guard let channel else { return nil }
        let services = self.services
        do {
            return try await channel.eventLoop.submit { [self] in
                let handler = RelayFrameHandler(
                    side: side, peerId: peerId, relay: relay, recording: recording, clock: services.clock,
                    maxMessageBytes: services.config.maxFrameBytes,
                    endSession: { cause in Task { await self.end(sessionId, because: cause) } })
                try RelayFrameHandler.install(on: channel, handler)
                return (NIOLoopBound(handler, eventLoop: channel.eventLoop), handler.marker)
            }.get()
        } catch {
            services.logger.warning("data channel relays through its task", metadata: ["session": "\(sessionId)",
                                                                                       "error": "\(error)"])
            return nil
        }
    }
}

extension SessionRelay {
    /// Routes one frame from `side` and records what it carried. Recorded here, before the caller forwards it: the
    /// client can acknowledge only what was forwarded, and the agent drops what was acknowledged, so every byte the
    /// client could have acknowledged is already in the recording when gangwayd dies (kill -9) at any point.
    /// When the recording fails, the frame is not forwarded (`RelayRoute.recordingFailure`): nothing reaches the
    /// other side that the recording does not hold.
    func take(_ frame: ByteBuffer, from side: DataChannelSocket.Side, now: Date,
              recording: any SessionRecording) -> RelayRoute {
        var route = side == .client ? fromClient(frame, now: now) : fromAgent(frame, now: now)
        do {
            for event in route.record { try recording.record(event, at: now) }
        } catch {
            route.to = nil
            route.frame = nil
            // The reason without the file's path: it goes to the user's terminal (gangwayd's log has the path).
            route.recordingFailure = (error as? RecordingError)?.cause ?? "\(error)"
        }
        return route
    }
}
