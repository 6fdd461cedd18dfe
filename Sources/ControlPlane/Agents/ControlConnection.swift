import Foundation
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import SessionCore

/// One agent's open control channel. An actor so messages from several sessions go out one at a time.
actor ControlConnection {
    let instanceId: String
    let id = UUID()
    /// The agent process's run id from its opening frame (`GangwayAgentRunId`, a Gangway extension; nil from agents
    /// that do not send one): a new value for the same instance means the agent restarted.
    let runId: String?
    private let writer: WebSocketOutboundWriter
    private var closed = false

    init(instanceId: String, runId: String? = nil, writer: WebSocketOutboundWriter) {
        self.instanceId = instanceId
        self.runId = runId
        self.writer = writer
    }

    /// Sends one binary ClientMessage; false if the socket is gone.
    func send(_ message: ClientMessage) async -> Bool {
        guard !closed else { return false }
        do {
            try await writer.writeBinaryMessage(ByteBuffer(bytes: message.encode()))
            return true
        } catch {
            closed = true
            return false
        }
    }

    func close(code: WebSocketErrorCode, reason: String) async {
        guard !closed else { return }
        closed = true
        try? await writer.close(code, reason: reason)
    }
}
