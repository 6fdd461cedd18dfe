import Foundation
import HummingbirdWebSocket
import NIOCore
import SessionCore

/// One side of a data channel attached to a relay.
struct RelayPeer: Sendable {
    let id: UUID
    let writer: WebSocketOutboundWriter
}

/// What a relay asks its recorder to store, in order.
enum RecordEvent: Sendable {
    case output([UInt8])
    case input([UInt8], redacted: Bool)
    case resize(cols: Int, rows: Int)
}

/// What the relay did with one frame; the socket handler performs the I/O outside the actor.
struct RelayRoute: Sendable {
    /// Write `frames` to this writer, in order (nil: nothing to write now).
    var forward: WebSocketOutboundWriter?
    var frames: [ByteBuffer] = []
    var record: [RecordEvent] = []
    /// The agent said the session is ending (agent_session_state Terminating).
    var agentTerminating = false
    /// The agent reported Connected.
    var agentConnected = false
}

/// Counters a test or `/metrics` can read.
public struct RelayCounters: Sendable, Equatable {
    public var framesFromClient = 0
    public var framesFromAgent = 0
    public var bytesFromClient = 0
    public var bytesFromAgent = 0
    /// Frames that did not decode as ClientMessages (dropped, never forwarded).
    public var malformedFrames = 0
    /// Frames dropped because the other side was not attached and the pending queue was full.
    public var overflowDrops = 0
    /// Frames whose write to the other side failed (that side had just gone; the sender resends unacked data).
    public var failedWrites = 0
    public init() {}
}

/// The relay between a session's client socket and agent socket. An actor holding only routing state: the
/// handlers write to sockets after the actor returns, so a slow peer blocks only the loop feeding it (flow control:
/// the blocked loop stops reading its socket; TCP pushes back to the sender).
actor SessionRelay {
    let sessionId: String
    private let pendingLimit: Int
    private(set) var client: RelayPeer?
    private(set) var agent: RelayPeer?
    private var pendingToClient: [ByteBuffer] = []
    private var pendingToClientBytes = 0
    private var pendingToAgent: [ByteBuffer] = []
    private var pendingToAgentBytes = 0
    private var outputOrder = RecordingSequencer<RecordEvent?>()
    private var inputOrder = RecordingSequencer<RecordEvent?>()
    private var echoOn = true
    private(set) var lastActivity: Date
    private(set) var counters = RelayCounters()
    private(set) var finished = false

    init(sessionId: String, pendingLimit: Int, now: Date) {
        self.sessionId = sessionId
        self.pendingLimit = pendingLimit
        self.lastActivity = now
    }

    // MARK: attach / detach

    /// Attaches a client socket. Returns the writer it replaced (to close) and frames queued for it.
    func attachClient(_ peer: RelayPeer) -> (replaced: RelayPeer?, pending: [ByteBuffer]) {
        let old = client
        client = peer
        let pending = pendingToClient
        pendingToClient.removeAll()
        pendingToClientBytes = 0
        return (old, pending)
    }

    func attachAgent(_ peer: RelayPeer) -> (replaced: RelayPeer?, pending: [ByteBuffer]) {
        let old = agent
        agent = peer
        let pending = pendingToAgent
        pendingToAgent.removeAll()
        pendingToAgentBytes = 0
        return (old, pending)
    }

    /// True if `id` was the attached client (it is now detached).
    func detachClient(_ id: UUID) -> Bool {
        guard client?.id == id else { return false }
        client = nil
        return true
    }

    func detachAgent(_ id: UUID) -> Bool {
        guard agent?.id == id else { return false }
        agent = nil
        return true
    }

    var bothAttached: Bool { client != nil && agent != nil }

    /// Marks the relay finished and hands back both peers to close.
    func finish() -> (client: RelayPeer?, agent: RelayPeer?) {
        finished = true
        let peers = (client, agent)
        client = nil
        agent = nil
        pendingToClient.removeAll()
        pendingToAgent.removeAll()
        return peers
    }

    // MARK: frames

    func writeFailed() { counters.failedWrites += 1 }

    func fromClient(_ frame: ByteBuffer, now: Date) -> RelayRoute {
        counters.framesFromClient += 1
        counters.bytesFromClient += frame.readableBytes
        guard let message = decode(frame) else { return RelayRoute() }
        var route = RelayRoute()
        if message.messageType == .inputStreamData {
            lastActivity = now
            let event: RecordEvent?
            switch message.payloadType {
            case .output: event = .input(message.payload, redacted: !echoOn)
            case .size:
                if let size = try? message.decodePayload(SizeData.self) {
                    event = .resize(cols: Int(size.cols), rows: Int(size.rows))
                } else { event = nil }
            default: event = nil
            }
            route.record = inputOrder.received(seq: message.sequenceNumber, event).compactMap { $0 }
        }
        if finished { return route }
        if let agent {
            route.forward = agent.writer
            route.frames = [frame]
        } else {
            enqueue(frame, toClient: false)
        }
        return route
    }

    func fromAgent(_ frame: ByteBuffer, now: Date) -> RelayRoute {
        counters.framesFromAgent += 1
        counters.bytesFromAgent += frame.readableBytes
        guard let message = decode(frame) else { return RelayRoute() }
        var route = RelayRoute()
        switch message.messageType {
        case .gangwayEchoState:
            if let state = try? JSONDecoder().decode(EchoState.self, from: Data(message.payload)) { echoOn = state.echo }
            return route
        case .agentSessionState:
            let state = try? message.decodePayload(AgentSessionState.self)
            route.agentTerminating = state?.sessionState == AgentSessionState.terminating
            route.agentConnected = state?.sessionState == AgentSessionState.connected
            return route
        case .outputStreamData:
            lastActivity = now
            let recordable = message.payloadType == .output || message.payloadType == .stdErr
            route.record = outputOrder.received(seq: message.sequenceNumber,
                                                recordable ? .output(message.payload) : nil).compactMap { $0 }
        default:
            break
        }
        if finished { return route }
        if let client {
            route.forward = client.writer
            route.frames = [frame]
        } else {
            enqueue(frame, toClient: true)
        }
        return route
    }

    private func decode(_ frame: ByteBuffer) -> ClientMessage? {
        let bytes = frame.readableBytesView
        let message = try? bytes.withContiguousStorageIfAvailable { raw in
            try ClientMessage.decode(raw: UnsafeRawBufferPointer(raw))
        } ?? ClientMessage.decode(Array(bytes))
        if message == nil { counters.malformedFrames += 1 }
        return message
    }

    private func enqueue(_ frame: ByteBuffer, toClient: Bool) {
        let n = frame.readableBytes
        if toClient {
            guard pendingToClientBytes + n <= pendingLimit else { counters.overflowDrops += 1; return }
            pendingToClient.append(frame)
            pendingToClientBytes += n
        } else {
            guard pendingToAgentBytes + n <= pendingLimit else { counters.overflowDrops += 1; return }
            pendingToAgent.append(frame)
            pendingToAgentBytes += n
        }
    }
}

/// Payload of `gangway_echo_state`.
struct EchoState: Decodable {
    var echo: Bool
    enum CodingKeys: String, CodingKey { case echo = "Echo" }
}
