import Foundation
import HummingbirdWebSocket
import NIOCore
import SessionCore
import Synchronization

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

/// The events one frame asks to record, in order: almost always none or one (the sequencer releases several only
/// when a frame fills a gap), so the first is kept inline and an array is made only for the rest.
struct RecordEvents: Sequence, Sendable {
    private var first: RecordEvent?
    private var rest: [RecordEvent] = []

    mutating func append(_ event: RecordEvent) {
        if first == nil { first = event } else { rest.append(event) }
    }

    struct Iterator: IteratorProtocol {
        fileprivate var first: RecordEvent?
        fileprivate var rest: IndexingIterator<[RecordEvent]>

        mutating func next() -> RecordEvent? {
            if let event = first {
                first = nil
                return event
            }
            return rest.next()
        }
    }

    func makeIterator() -> Iterator { Iterator(first: first, rest: rest.makeIterator()) }
}

extension SessionRecording {
    /// Stores one relayed event (gangwayd calls this before forwarding the frame it came from).
    func record(_ event: RecordEvent, at now: Date) throws {
        switch event {
        case .output(let bytes): try output(bytes, at: now)
        case .input(let bytes, let redacted): try input(bytes, at: now, redacted: redacted)
        case .resize(let cols, let rows): try resize(cols: cols, rows: rows, at: now)
        }
    }
}

/// What the relay did with one frame; the socket handler performs the I/O outside the actor.
struct RelayRoute: Sendable {
    /// Write `frame` to this peer (nil: nothing to write now).
    var to: RelayPeer?
    var frame: ByteBuffer?
    var record = RecordEvents()
    /// The agent said the session is ending (agent_session_state Terminating).
    var agentTerminating = false
    /// The agent reported Connected.
    var agentConnected = false
    /// The recording could not store what this frame carried (the error): the frame is not forwarded (`to` and
    /// `frame` are nil) and the session must end.
    var recordingFailure: String?

    /// Why this frame ends the session, if it does.
    var endCause: RelayEndCause? {
        if let recordingFailure { return .recordingFailed(recordingFailure) }
        return agentTerminating ? .agentTerminating : nil
    }
}

/// Why a relayed frame ends its session.
enum RelayEndCause: Sendable, Equatable {
    /// The agent said the session is ending (agent_session_state Terminating).
    case agentTerminating
    /// The recording could not store the frame (the error's text).
    case recordingFailed(String)
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
    /// Messages read straight off a socket's bytes (`RelayWireReader`) rather than through NIO's frame decoder.
    public var messagesReadOffWire = 0
    public init() {}
}

/// The relay between a session's client socket and agent socket: routing state only, behind a lock, so both the
/// socket tasks and the event-loop handlers (`RelayFrameHandler`) call it synchronously; the callers do the I/O.
///
/// Flow control towards the client is a byte budget tied to the client's acknowledgements (`ClientAckBudget`): while
/// the client has more than the budget unacknowledged gangwayd stops reading the agent's socket (the agent's socket
/// task awaits `waitForClientBudget`; its event-loop handler holds NIO's reads until `whenClientBudgetHasRoom` calls
/// back) and TCP pushes back to the agent. (Awaiting each WebSocket write is not enough: NIO accepts frames long
/// before the kernel does, so a client that never reads made gangwayd hold everything the agent sent.) Towards the
/// agent, input is small: the sender stops reading while the agent's socket is not writable.
final class SessionRelay: Sendable {
    let sessionId: String
    private let state: Mutex<RelayState>

    init(sessionId: String, pendingLimit: Int, clientBudget: Int = 2 << 20, now: Date) {
        self.sessionId = sessionId
        self.state = Mutex(RelayState(pendingLimit: pendingLimit, budget: ClientAckBudget(budget: clientBudget),
                                      lastActivity: now))
    }

    var agent: RelayPeer? { state.withLock { $0.agent } }
    var lastActivity: Date { state.withLock { $0.lastActivity } }
    var counters: RelayCounters { state.withLock { $0.counters } }
    var bothAttached: Bool { state.withLock { $0.client != nil && $0.agent != nil } }
    /// The agent has opened the session's data channel at least once.
    var agentEverAttached: Bool { state.withLock { $0.agentEverAttached } }
    /// A client has opened the session's data channel at least once.
    var clientEverAttached: Bool { state.withLock { $0.clientEverAttached } }
    /// Since when the agent's data channel has been gone (it had been open); nil while it is attached.
    var agentGoneSince: Date? { state.withLock { $0.agentDetachedAt } }

    // MARK: attach / detach

    /// Attaches a client socket. Returns the peer it replaced (to close) and frames queued for it; nil when the
    /// session ended meanwhile (nobody would tell this socket so).
    func attachClient(_ peer: RelayPeer, now: Date = Date()) -> (replaced: RelayPeer?, pending: [ByteBuffer])? {
        let attached: (RelayPeer?, [(frame: ByteBuffer, seq: Int64?)], [@Sendable () -> Void])? = state.withLock { s in
            guard !s.finished else { return nil }
            let old = s.client
            s.client = peer
            s.clientEverAttached = true
            let pending = s.pendingToClient
            s.pendingToClient.removeAll()
            s.pendingToClientBytes = 0
            // A new connection owes nothing for what went to the old one (the agent resends what is unacked); only
            // the queued frames it is about to receive count.
            s.budget.reset()
            for entry in pending {
                if let seq = entry.seq { s.budget.sent(seq: seq, bytes: entry.frame.readableBytes, now: now) }
            }
            return (old, pending, s.takeWaiters())
        }
        guard let (old, pending, waiters) = attached else { return nil }
        for w in waiters { w() }
        return (old, pending.map(\.frame))
    }

    func attachAgent(_ peer: RelayPeer) -> (replaced: RelayPeer?, pending: [ByteBuffer])? {
        state.withLock { s in
            guard !s.finished else { return nil }
            let old = s.agent
            s.agent = peer
            s.agentEverAttached = true
            s.agentDetachedAt = nil
            let pending = s.pendingToAgent
            s.pendingToAgent.removeAll()
            s.pendingToAgentBytes = 0
            return (old, pending)
        }
    }

    /// True if `id` was the attached client (it is now detached).
    func detachClient(_ id: UUID) -> Bool {
        state.withLock { s in
            guard s.client?.id == id else { return false }
            s.client = nil
            return true
        }
    }

    func detachAgent(_ id: UUID, now: Date = Date()) -> Bool {
        let (detached, waiters) = state.withLock { s -> (Bool, [@Sendable () -> Void]) in
            guard s.agent?.id == id else { return (false, []) }
            s.agent = nil
            s.agentDetachedAt = now
            return (true, s.takeWaiters())
        }
        for w in waiters { w() }
        return detached
    }

    // MARK: flow control towards the client

    /// Returns when the agent connection `agentId` may read its next frame: the client's unacknowledged bytes are
    /// under the budget, the relay finished, or that agent connection is no longer the attached one.
    func waitForClientBudget(agentId: UUID) async {
        while true {
            let room: Bool = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
                if whenClientBudgetHasRoom(agentId: agentId, { c.resume(returning: false) }) { c.resume(returning: true) }
            }
            if room { return }
        }
    }

    /// True when the agent connection `agentId` may read on now (`whenClientBudgetHasRoom` without registering a
    /// wake-up when it may not).
    func clientBudgetHasRoom(agentId: UUID) -> Bool {
        state.withLock { $0.agentMayRead(agentId) }
    }

    /// True when the agent connection `agentId` may read on now. Otherwise false, and `wake` runs once (on whatever
    /// thread frees the budget) when that may have changed; the caller asks again then.
    func whenClientBudgetHasRoom(agentId: UUID, _ wake: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { s in
            if s.agentMayRead(agentId) { return true }
            if !s.paused { s.counters.budgetPauses += 1; s.paused = true }
            s.budgetWaiters.append(wake)
            return false
        }
    }

    /// If the client has left the budget full without acknowledging anything for `timeout`, detaches it and returns
    /// it (the caller closes its connection and logs why). The session stays resumable.
    func cutOffStalledClient(now: Date, timeout: TimeInterval) -> (peer: RelayPeer, unacked: Int)? {
        state.withLock { s in
            guard let peer = s.client, s.budget.stalled(now: now, timeout: timeout) else { return nil }
            s.client = nil
            s.counters.slowClientCutoffs += 1
            return (peer, s.budget.unackedBytes)
        }
    }

    /// Marks the relay finished and hands back both peers to close.
    func finish() -> (client: RelayPeer?, agent: RelayPeer?) {
        let (peers, waiters) = state.withLock { s in
            s.finished = true
            let peers = (s.client, s.agent)
            s.client = nil
            s.agent = nil
            s.pendingToClient.removeAll()
            s.pendingToAgent.removeAll()
            return (peers, s.takeWaiters())
        }
        for w in waiters { w() }
        return peers
    }

    /// The event loops of the attached client's and agent's sockets (nil: not attached, or a peer without a channel).
    var socketEventLoops: (client: (any EventLoop)?, agent: (any EventLoop)?) {
        state.withLock { ($0.client?.channel?.eventLoop, $0.agent?.channel?.eventLoop) }
    }

    // MARK: frames

    func writeFailed() { state.withLock { $0.counters.failedWrites += 1 } }

    func readOffWire(_ messages: Int) { state.withLock { $0.counters.messagesReadOffWire += messages } }

    func fromClient(_ frame: ByteBuffer, now: Date) -> RelayRoute {
        let (route, waiters) = state.withLock { s in
            let route = s.fromClient(frame, now: now)
            return (route, s.budget.hasRoom ? s.takeWaiters() : [])
        }
        for w in waiters { w() }
        return route
    }

    func fromAgent(_ frame: ByteBuffer, now: Date) -> RelayRoute {
        state.withLock { $0.fromAgent(frame, now: now) }
    }
}

/// The relay's state; every access holds `SessionRelay`'s lock.
private struct RelayState {
    let pendingLimit: Int
    var budget: ClientAckBudget
    var lastActivity: Date
    var client: RelayPeer?
    var agent: RelayPeer?
    var agentEverAttached = false
    /// When the agent's data channel detached; nil while one is attached (`attachAgent` clears it) or none ever was.
    var agentDetachedAt: Date?
    var clientEverAttached = false
    var budgetWaiters: [@Sendable () -> Void] = []
    var paused = false
    var pendingToClient: [(frame: ByteBuffer, seq: Int64?)] = []
    var pendingToClientBytes = 0
    var pendingToAgent: [ByteBuffer] = []
    var pendingToAgentBytes = 0
    var outputOrder = RecordingSequencer<RecordEvent?>()
    var inputOrder = RecordingSequencer<RecordEvent?>()
    var echoOn = true
    var counters = RelayCounters()
    var finished = false

    init(pendingLimit: Int, budget: ClientAckBudget, lastActivity: Date) {
        self.pendingLimit = pendingLimit
        self.budget = budget
        self.lastActivity = lastActivity
    }

    /// True when the agent connection `agentId` may read on: the client's budget has room, the relay finished, or
    /// that connection is no longer the attached one. Clears `paused` then.
    mutating func agentMayRead(_ agentId: UUID) -> Bool {
        guard budget.hasRoom || finished || agent?.id != agentId else { return false }
        paused = false
        return true
    }

    mutating func takeWaiters() -> [@Sendable () -> Void] {
        let waiters = budgetWaiters
        budgetWaiters.removeAll()
        return waiters
    }

    mutating func fromClient(_ frame: ByteBuffer, now: Date) -> RelayRoute {
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
            inputOrder.received(seq: message.sequenceNumber, event) { if let e = $0 { route.record.append(e) } }
        } else if message.messageType == .acknowledge,
                  let ack = AcknowledgeContent.reference(in: message.payload),
                  ack.messageType == .outputStreamData {
            let before = budget.ackedBytes
            if budget.acked(seq: ack.sequenceNumber, now: now) {
                counters.bytesAckedByClient += budget.ackedBytes - before
            }
        }
        if finished { return route }
        if let agent {
            route.to = agent
            route.frame = frame
        } else {
            _ = enqueue(frame, toClient: false, seq: nil)
        }
        return route
    }

    mutating func fromAgent(_ frame: ByteBuffer, now: Date) -> RelayRoute {
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
            outputOrder.received(seq: message.sequenceNumber, recordable ? .output(message.payload) : nil) {
                if let e = $0 { route.record.append(e) }
            }
        default:
            break
        }
        if finished { return route }
        let seq: Int64? = message.messageType == .outputStreamData ? message.sequenceNumber : nil
        if let client {
            if let seq { budget.sent(seq: seq, bytes: frame.readableBytes, now: now) }
            route.to = client
            route.frame = frame
        } else if enqueue(frame, toClient: true, seq: seq), let seq {
            budget.sent(seq: seq, bytes: frame.readableBytes, now: now)
        }
        return route
    }

    private mutating func decode(_ frame: ByteBuffer) -> ClientMessage? {
        let bytes = frame.readableBytesView
        let message = try? bytes.withContiguousStorageIfAvailable { raw in
            try ClientMessage.decode(raw: UnsafeRawBufferPointer(raw))
        } ?? ClientMessage.decode(Array(bytes))
        if message == nil { counters.malformedFrames += 1 }
        return message
    }

    /// Queues a frame for a side that is not attached. False when it was dropped (queue full; the sender resends).
    private mutating func enqueue(_ frame: ByteBuffer, toClient: Bool, seq: Int64?) -> Bool {
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
