import Foundation
import HummingbirdWebSocket
import NIOCore
import SessionCore

/// One side of a data channel attached to a relay.
struct RelayPeer: Sendable {
    let id: UUID
    let writer: WebSocketOutboundWriter
    /// The underlying connection, to cut off a client that stopped reading (a close frame would queue behind the
    /// data it does not read). Nil in tests that have no channel.
    var channel: (any Channel)? = nil
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
    /// Output bytes the client acknowledged (the agent's output that left gangwayd's flow-control budget).
    public var bytesAckedByClient = 0
    /// Times gangwayd paused reading an agent because the client had the whole budget unacknowledged.
    public var budgetPauses = 0
    /// Clients cut off because they acknowledged nothing for the stall timeout with the budget full.
    public var slowClientCutoffs = 0
    public init() {}
}

/// The relay between a session's client socket and agent socket. An actor holding only routing state: the
/// handlers write to sockets after the actor returns.
///
/// Flow control towards the client is a byte budget tied to the client's acknowledgements (`ClientAckBudget`): the
/// agent's socket loop calls `waitForClientBudget` before pulling each frame, so while the client has more than the
/// budget unacknowledged gangwayd stops reading the agent and TCP pushes back to it. (Awaiting each WebSocket write
/// is not enough: the NIO writer accepts frames long before the kernel does, so a client that never reads made
/// gangwayd hold everything the agent sent.) Towards the agent, awaiting the write is kept: input is small.
actor SessionRelay {
    let sessionId: String
    private let pendingLimit: Int
    private(set) var client: RelayPeer?
    private(set) var agent: RelayPeer?
    private var budget: ClientAckBudget
    private var budgetWaiters: [CheckedContinuation<Void, Never>] = []
    private var pendingToClient: [(frame: ByteBuffer, seq: Int64?)] = []
    private var pendingToClientBytes = 0
    private var pendingToAgent: [ByteBuffer] = []
    private var pendingToAgentBytes = 0
    private var outputOrder = RecordingSequencer<RecordEvent?>()
    private var inputOrder = RecordingSequencer<RecordEvent?>()
    private var echoOn = true
    private(set) var lastActivity: Date
    private(set) var counters = RelayCounters()
    private(set) var finished = false

    init(sessionId: String, pendingLimit: Int, clientBudget: Int = 2 << 20, now: Date) {
        self.sessionId = sessionId
        self.pendingLimit = pendingLimit
        self.budget = ClientAckBudget(budget: clientBudget)
        self.lastActivity = now
    }

    // MARK: attach / detach

    /// Attaches a client socket. Returns the writer it replaced (to close) and frames queued for it.
    func attachClient(_ peer: RelayPeer, now: Date = Date()) -> (replaced: RelayPeer?, pending: [ByteBuffer]) {
        let old = client
        client = peer
        let pending = pendingToClient
        pendingToClient.removeAll()
        pendingToClientBytes = 0
        // A new connection owes nothing for what went to the old one (the agent resends what is unacked); only the
        // queued frames it is about to receive count.
        budget.reset()
        for entry in pending {
            if let seq = entry.seq { budget.sent(seq: seq, bytes: entry.frame.readableBytes, now: now) }
        }
        wakeBudgetWaiters()
        return (old, pending.map(\.frame))
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
        wakeBudgetWaiters()
        return true
    }

    // MARK: flow control towards the client

    /// Returns when the agent loop of `agentId` may pull its next frame: the client's unacknowledged bytes are under
    /// the budget, the relay finished, or that agent connection is no longer the attached one.
    func waitForClientBudget(agentId: UUID) async {
        var paused = false
        while !budget.hasRoom && !finished && agent?.id == agentId {
            if !paused { counters.budgetPauses += 1; paused = true }
            await withCheckedContinuation { budgetWaiters.append($0) }
        }
    }

    private func wakeBudgetWaiters() {
        let waiters = budgetWaiters
        budgetWaiters.removeAll()
        for w in waiters { w.resume() }
    }

    /// Bytes relayed to the client and not yet acknowledged by it.
    var unackedToClient: Int { budget.unackedBytes }

    /// If the client has left the budget full without acknowledging anything for `timeout`, detaches it and returns
    /// it (the caller closes its connection and logs why). The session stays resumable.
    func cutOffStalledClient(now: Date, timeout: TimeInterval) -> (peer: RelayPeer, unacked: Int)? {
        guard let peer = client, budget.stalled(now: now, timeout: timeout) else { return nil }
        client = nil
        counters.slowClientCutoffs += 1
        return (peer, budget.unackedBytes)
    }

    var bothAttached: Bool { client != nil && agent != nil }

    /// Marks the relay finished and hands back both peers to close.
    func finish() -> (client: RelayPeer?, agent: RelayPeer?) {
        finished = true
        wakeBudgetWaiters()
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
        } else if message.messageType == .acknowledge,
                  let ack = AcknowledgeContent.parse(message.payload),
                  ack.acknowledgedMessageType == MessageType.outputStreamData.rawValue {
            let before = budget.ackedBytes
            if budget.acked(seq: ack.acknowledgedMessageSequenceNumber, now: now) {
                counters.bytesAckedByClient += budget.ackedBytes - before
                if budget.hasRoom { wakeBudgetWaiters() }
            }
        }
        if finished { return route }
        if let agent {
            route.forward = agent.writer
            route.frames = [frame]
        } else {
            _ = enqueue(frame, toClient: false, seq: nil)
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
        let seq: Int64? = message.messageType == .outputStreamData ? message.sequenceNumber : nil
        if let client {
            if let seq { budget.sent(seq: seq, bytes: frame.readableBytes, now: now) }
            route.forward = client.writer
            route.frames = [frame]
        } else if enqueue(frame, toClient: true, seq: seq), let seq {
            budget.sent(seq: seq, bytes: frame.readableBytes, now: now)
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

    /// Queues a frame for a side that is not attached. False when it was dropped (queue full; the sender resends).
    private func enqueue(_ frame: ByteBuffer, toClient: Bool, seq: Int64?) -> Bool {
        let n = frame.readableBytes
        if toClient {
            guard pendingToClientBytes + n <= pendingLimit else { counters.overflowDrops += 1; return false }
            pendingToClient.append((frame, seq))
            pendingToClientBytes += n
        } else {
            guard pendingToAgentBytes + n <= pendingLimit else { counters.overflowDrops += 1; return false }
            pendingToAgent.append(frame)
            pendingToAgentBytes += n
        }
        return true
    }
}

/// Payload of `gangway_echo_state`.
struct EchoState: Decodable {
    var echo: Bool
    enum CodingKeys: String, CodingKey { case echo = "Echo" }
}
