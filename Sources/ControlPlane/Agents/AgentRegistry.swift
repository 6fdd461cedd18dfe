import NIOWebSocket
import Foundation
import Logging
import SessionCore

/// Live agent connections and liveness. PingStatus is derived here: `Online` while the control channel is open and
/// the last heartbeat (or connect) is younger than `connectionLostAfter`, otherwise `ConnectionLost`.
actor AgentRegistry {
    private var connections: [String: ControlConnection] = [:]
    private var lastSeen: [String: Date] = [:]
    private let connectionLostAfter: TimeInterval
    private let logger: Logger

    init(connectionLostAfter: TimeInterval, logger: Logger) {
        self.connectionLostAfter = connectionLostAfter
        self.logger = logger
    }

    /// Registers an open control channel; an older channel of the same agent is closed.
    func attach(_ connection: ControlConnection, now: Date) async {
        let old = connections[connection.instanceId]
        connections[connection.instanceId] = connection
        lastSeen[connection.instanceId] = now
        logger.info("agent control channel open", metadata: ["instance": "\(connection.instanceId)"])
        if let old {
            // A reconnect whose old socket is not closed yet, or two agents sharing one identity (they then take
            // turns: each replaced agent waits a minute, see the agent's log).
            logger.warning("agent control channel replaced by a new connection for the same instance id",
                           metadata: ["instance": "\(connection.instanceId)"])
            await old.close(code: .normalClosure, reason: ControlChannelClose.replaced)
        }
    }

    /// The channel closed. Ignored if a newer channel replaced it meanwhile.
    func detach(_ connection: ControlConnection) {
        guard connections[connection.instanceId]?.id == connection.id else { return }
        connections[connection.instanceId] = nil
        logger.info("agent control channel closed", metadata: ["instance": "\(connection.instanceId)"])
    }

    func heartbeat(_ instanceId: String, now: Date) {
        lastSeen[instanceId] = now
    }

    func lastHeartbeat(_ instanceId: String) -> Date? { lastSeen[instanceId] }

    func isOnline(_ instanceId: String, now: Date) -> Bool {
        guard connections[instanceId] != nil, let seen = lastSeen[instanceId] else { return false }
        return now.timeIntervalSince(seen) <= connectionLostAfter
    }

    /// Snapshot for list operations: instance id → online.
    func onlineSet(now: Date) -> Set<String> {
        Set(connections.keys.filter { isOnline($0, now: now) })
    }

    /// Sends a message on the agent's control channel; false when it has none or the write failed.
    func send(_ message: ClientMessage, to instanceId: String) async -> Bool {
        guard let c = connections[instanceId] else { return false }
        return await c.send(message)
    }

    /// `send`, also returning the run id of the agent process the message went to (nil: none, or not known).
    func sendReportingRun(_ message: ClientMessage, to instanceId: String) async -> (sent: Bool, runId: String?) {
        guard let c = connections[instanceId] else { return (false, nil) }
        return (await c.send(message), c.runId)
    }

    /// Instance ids with an open control channel.
    func connectedInstanceIds() -> [String] { Array(connections.keys) }

    /// Closes `instanceId`'s control channel (it was revoked). False when it had none.
    func disconnect(_ instanceId: String, reason: String) async -> Bool {
        guard let c = connections.removeValue(forKey: instanceId) else { return false }
        logger.warning("agent control channel closed", metadata: ["instance": "\(instanceId)", "why": "\(reason)"])
        await c.close(code: .policyViolation, reason: String(reason.prefix(120)))
        return true
    }

    func closeAll() async {
        let all = connections.values
        connections.removeAll()
        for c in all { await c.close(code: .goingAway, reason: "gangwayd is shutting down") }
    }
}
