import CPosixShim
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import Recording
import SessionCore

/// Live sessions: their relays, recordings, tokens and state transitions. Persists every status change through the
/// store so DescribeSessions sees it. Socket writes that could block (a client that never reads) run in their own
/// tasks, never while a caller waits on this actor for an API answer.
actor SessionRegistry {
    struct Live {
        var record: SessionRecord
        let relay: SessionRelay
        let recording: any SessionRecording
        var agentConnected = false
        /// The agent process (run id) the start request went to, if the agent says.
        var agentRun: String?
    }

    private var live: [String: Live] = [:]
    private var tokens = ChannelTokenBook()
    private let store: any ControlPlaneStore
    private let agents: AgentRegistry
    private let recorder: any SessionRecorder
    private let auditSink: any AuditSink
    private let config: ControlPlaneConfig
    private let clock: any ControlPlaneClock
    private let logger: Logger
    private var endedCounters = RelayCounters()

    init(store: any ControlPlaneStore, agents: AgentRegistry, recorder: any SessionRecorder, auditSink: any AuditSink,
         config: ControlPlaneConfig, clock: any ControlPlaneClock, logger: Logger) {
        self.store = store
        self.agents = agents
        self.recorder = recorder
        self.auditSink = auditSink
        self.config = config
        self.clock = clock
        self.logger = logger
    }

    // MARK: tokens

    func issueToken(_ grant: ChannelGrant, ttl: TimeInterval) -> String {
        let token = Identifiers.channelToken()
        tokens.issue(token, grant: grant, now: clock.now(), ttl: ttl)
        return token
    }

    func redeem(_ token: String) -> ChannelTokenBook.Redemption {
        tokens.redeem(token, now: clock.now())
    }

    // MARK: lifecycle

    /// Creates the session, opens its recording, asks the agent to start it. Returns the record and client token.
    func start(owner: String, target: String, documentName: String, reason: String?,
               parameters: [String: [String]]) async throws(APIError) -> (SessionRecord, String) {
        let now = clock.now()
        let sessionId = Identifiers.sessionId(owner: owner)
        let maxDuration = config.maxSessionDurationMinutes.map(String.init) ?? ""
        var record = SessionRecord(sessionId: sessionId, target: target, owner: owner, status: .connecting,
                                   documentName: documentName, reason: reason, startDate: now,
                                   maxSessionDuration: maxDuration)
        // The caller is told what failed, not where: server paths and SQL stay in gangwayd's log.
        let recording: any SessionRecording
        do {
            recording = try await recorder.open(sessionId: sessionId, target: target, owner: owner, cols: 80, rows: 24,
                                                startedAt: now)
        } catch {
            logger.error("cannot open a session's recording", metadata: ["session": "\(sessionId)", "error": "\(error)"])
            let cause = (error as? RecordingError)?.cause ?? "see gangwayd's log"
            throw APIError.internalError("cannot start the session: gangwayd could not create its recording (\(cause)), "
                + "and a session is not run unrecorded")
        }
        do {
            try await store.upsertSession(record)
        } catch {
            await recording.close()
            logger.error("cannot store a new session", metadata: ["session": "\(sessionId)", "error": "\(error)"])
            throw APIError.internalError("cannot start the session: gangwayd could not store it (see gangwayd's log)")
        }
        let relay = SessionRelay(sessionId: sessionId, pendingLimit: config.pendingBytesLimit,
                                 clientBudget: config.clientAckBudgetBytes, now: now)
        live[sessionId] = Live(record: record, relay: relay, recording: recording)

        let message = InteractiveShell.message(sessionId: sessionId, owner: owner, documentName: documentName,
                                               parameters: parameters, idleMinutes: config.idleTimeoutMinutes,
                                               maxDuration: maxDuration, now: now)
        let (sent, agentRun) = await agents.sendReportingRun(message, to: target)
        live[sessionId]?.agentRun = agentRun
        guard sent else {
            record.status = .failed
            record.details = "the agent's control channel closed before the session could start"
            await end(sessionId, status: .failed, reason: record.details ?? "", notifyAgent: false)
            throw APIError(400, "TargetNotConnected", "\(target) is not connected: its control channel closed; retry when it is Online")
        }
        let token = issueToken(.clientDataChannel(sessionId: sessionId), ttl: config.sessionTokenTTL)
        logger.info("session started", metadata: ["session": "\(sessionId)", "target": "\(target)", "owner": "\(owner)"])
        return (record, token)
    }

    func isLive(_ sessionId: String) -> Bool { live[sessionId] != nil }
    func relay(_ sessionId: String) -> SessionRelay? { live[sessionId]?.relay }
    func liveRecord(_ sessionId: String) -> SessionRecord? { live[sessionId]?.record }

    /// A fresh client token for a live session (ResumeSession). Nil when the session has ended.
    func resumeToken(_ sessionId: String) -> String? {
        guard live[sessionId] != nil else { return nil }
        return issueToken(.clientDataChannel(sessionId: sessionId), ttl: config.sessionTokenTTL)
    }

    private func setStatus(_ sessionId: String, _ status: SessionStatus) async {
        guard var l = live[sessionId], l.record.status != status else { return }
        l.record.status = status
        live[sessionId] = l
        do { try await store.upsertSession(l.record) } catch {
            logger.error("cannot store session status", metadata: ["session": "\(sessionId)", "error": "\(error)"])
        }
    }

    func clientAttached(_ sessionId: String) async {
        guard let l = live[sessionId] else { return }
        if l.relay.bothAttached { await setStatus(sessionId, .connected) }
    }

    func clientDetached(_ sessionId: String) async {
        guard live[sessionId] != nil else { return }
        await setStatus(sessionId, .disconnected)
    }

    func agentAttached(_ sessionId: String) async {
        guard let l = live[sessionId] else { return }
        if l.relay.bothAttached { await setStatus(sessionId, .connected) }
    }

    /// Records relayed events in order (called by the socket loops).
    func recording(_ sessionId: String) -> (any SessionRecording)? { live[sessionId]?.recording }

    /// Ends a session once: status, end date, channel_closed to both data-channel ends (and to the agent's control
    /// channel when `notifyAgent`), sockets closed, recording closed. Later calls are no-ops.
    /// `told` runs once both ends have been sent `channel_closed` (revoke-to-kill latency, Policy/SessionAccessEnforcer).
    @discardableResult
    func end(_ sessionId: String, status: SessionStatus, reason: String, notifyAgent: Bool,
             told: (@Sendable () async -> Void)? = nil) async -> SessionRecord? {
        guard var l = live.removeValue(forKey: sessionId) else { return nil }
        tokens.revoke(sessionId: sessionId)
        let now = clock.now()
        l.record.status = status
        l.record.endDate = now
        l.record.details = reason
        let counters = l.relay.counters
        endedCounters.add(counters)
        let peers = l.relay.finish()
        do { try await store.upsertSession(l.record) } catch {
            logger.error("cannot store session end", metadata: ["session": "\(sessionId)", "error": "\(error)"])
        }
        let closed = ChannelClosedMessage.make(sessionId: sessionId, destination: sessionId, output: reason, now: now)
        let agentClosed = ChannelClosedMessage.make(sessionId: sessionId, destination: l.record.target, output: reason,
                                                    now: now)
        let target = l.record.target
        let agents = self.agents
        let recording = l.recording
        let ended = l.record
        let sink = auditSink
        // Socket writes may block on a slow peer: never hold the caller up for them. The end's audit record comes
        // after both ends were told (an audit write waits for its batch to be durable: not on the revoke-to-kill path).
        Task {
            await withTaskGroup(of: Void.self) { group in
                for peer in [peers.client, peers.agent].compactMap({ $0 }) {
                    group.addTask {
                        try? await peer.writer.writeBinaryMessage(ByteBuffer(bytes: closed.encode()))
                        try? await peer.writer.close(.normalClosure, reason: String(reason.prefix(100)))
                    }
                }
                if notifyAgent { group.addTask { _ = await agents.send(agentClosed, to: target) } }
                group.addTask { await recording.close() }
            }
            gw_release_free_memory_soon()  // the session's relay buffers are free now
            await told?()
            await Self.auditEnd(ended, sink: sink, now: now)
        }
        logger.info("session ended", metadata: ["session": "\(sessionId)", "status": "\(status.rawValue)", "why": "\(reason)"])
        return l.record
    }

    /// Asks the session's agent to show `text` in the user's terminal (`gangway_notice`; the agent writes it into its
    /// sequenced output). False when the session is not live or its agent is not attached.
    func notice(_ sessionId: String, text: String) async -> Bool {
        guard let relay = live[sessionId]?.relay, let agent = relay.agent else { return false }
        let message = ClientMessage.control(type: .gangwayNotice, payloadJSON: Array(text.utf8),
                                            now: UInt64(max(1, clock.now().timeIntervalSince1970 * 1000)))
        do {
            try await agent.writer.writeBinaryMessage(ByteBuffer(bytes: message.encode()))
            return true
        } catch {
            return false
        }
    }

    // MARK: maintenance

    /// Ends sessions past their idle timeout or maximum duration; as Failed, sessions whose agent (or client) has not
    /// opened their data channel within `agentJoinTimeoutSeconds` (`clientJoinTimeoutSeconds`), and sessions whose
    /// agent's data channel dropped and was not reopened within `agentResumeWindowSeconds` (the user's keystrokes were
    /// going nowhere, and typing kept the idle timeout away). Returns the ids it ended.
    @discardableResult
    func enforceDeadlines() async -> [String] {
        let now = clock.now()
        await cutOffStalledClients(now: now)
        let join = config.agentJoinTimeoutSeconds
        var due: [(id: String, status: SessionStatus, why: String)] = []
        for (id, l) in live {
            let idle = now.timeIntervalSince(l.relay.lastActivity)
            if !l.relay.agentEverAttached && now.timeIntervalSince(l.record.startDate) >= join {
                due.append((id, .failed, "Session \(id) failed: the agent on \(l.record.target) did not open the session " +
                                         "within \(Int(join.rounded())) s; check that gangway-agent runs and can reach gangwayd, then retry."))
            } else if !l.relay.clientEverAttached && now.timeIntervalSince(l.record.startDate) >= config.clientJoinTimeoutSeconds {
                let wait = Int(config.clientJoinTimeoutSeconds.rounded())
                due.append((id, .failed, "Session \(id) ended: no client opened it within \(wait) s of StartSession (a client " +
                                         "opens the StreamUrl with the TokenValue; with the AWS CLI that is session-manager-plugin)."))
            } else if let gone = l.relay.agentGoneSince, now.timeIntervalSince(gone) >= config.agentResumeWindowSeconds {
                due.append((id, .failed, "Session \(id) ended: the agent on \(l.record.target) lost the session's connection " +
                                         "\(Int(now.timeIntervalSince(gone).rounded())) s ago and did not resume it; the host may be " +
                                         "down or cut off from gangwayd."))
            } else if idle >= TimeInterval(config.idleTimeoutMinutes * 60) {
                due.append((id, .terminated, "Session \(id) timed out after \(config.idleTimeoutMinutes) minutes of inactivity."))
            } else if let max = config.maxSessionDurationMinutes,
                      now.timeIntervalSince(l.record.startDate) >= TimeInterval(max * 60) {
                due.append((id, .terminated, "Session \(id) reached its maximum duration of \(max) minutes."))
            }
        }
        for (id, status, why) in due {
            await end(id, status: status, reason: why, notifyAgent: true)
            try? await auditSink.record(AuditEventInput(eventTime: now, eventSource: "ssm.amazonaws.com",
                                                        eventName: "TerminateSession", principal: "gangwayd",
                                                        errorMessage: why, sessionId: id))
        }
        return due.map(\.id)
    }

    /// Ends a session whose recording could not store a relayed frame (a full disk, a file size limit, an I/O
    /// error): Failed, both ends told why, audited as `RecordingFailed`. The frame was not forwarded, so the user saw
    /// and typed nothing that is not in the recording. Later calls (more frames of the ending session) are no-ops.
    func endBecauseRecordingFailed(_ sessionId: String, error: String) async {
        let why = "Session \(sessionId) ended: gangwayd could not write its recording (\(error)), and a session is not " +
            "relayed unrecorded. Ask the gangwayd administrator to check the recordings directory (disk space), then start a new session."
        guard let record = await end(sessionId, status: .failed, reason: why, notifyAgent: true) else { return }
        try? await auditSink.record(AuditEventInput(eventTime: clock.now(), eventSource: "ssmmessages.amazonaws.com",
                                                    eventName: "RecordingFailed", principal: "gangwayd",
                                                    errorMessage: why, sessionId: sessionId, target: record.target))
    }

    /// Cuts the connection of every client that left its flow-control budget full without acknowledging anything
    /// for `slowClientCutoffSeconds`. The session becomes Disconnected and stays resumable (ResumeSession); the agent
    /// stays paused until a client acknowledges again.
    private func cutOffStalledClients(now: Date) async {
        for (id, l) in live {
            guard let (peer, unacked) = l.relay.cutOffStalledClient(now: now, timeout: config.slowClientCutoffSeconds)
            else { continue }
            let why = "client of session \(id) acknowledged none of \(unacked) bytes of output for " +
                "\(Int(config.slowClientCutoffSeconds)) s; its connection was cut (the session stays resumable: ResumeSession)"
            logger.warning("slow client cut off", metadata: ["session": "\(id)", "unackedBytes": "\(unacked)",
                                                             "why": "\(why)"])
            peer.channel?.close(promise: nil)
            if peer.channel == nil { Task { try? await peer.writer.close(.policyViolation, reason: "client too slow") } }
            await setStatus(id, .disconnected)
            try? await auditSink.record(AuditEventInput(eventTime: now, eventSource: "ssmmessages.amazonaws.com",
                                                        eventName: "SlowClientCutOff", principal: "gangwayd",
                                                        errorMessage: why, sessionId: id, target: l.record.target))
        }
    }

    /// Totals over live and ended sessions.
    func counters() async -> RelayCounters {
        var total = endedCounters
        for l in live.values { total.add(l.relay.counters) }
        return total
    }

    /// An agent process with `runId` opened the control channel of `instanceId`: live sessions that another process
    /// of that agent ran, and whose data channel is not open, end now (their shells ended with it; none will resume),
    /// as Failed and audited. Before this a kill -9 or crash of gangway-agent left them Connected with the user's
    /// keystrokes going nowhere until the idle timeout, which the user's typing kept postponing. A session whose data
    /// channel is still open is left alone: a twin agent sharing the identity (a cloned host) still runs it, or its
    /// dead host's socket has not been noticed yet, and then the resume window ends it. Returns the ids ended.
    @discardableResult
    func agentRunStarted(_ instanceId: String, runId: String) async -> [String] {
        let orphans = live.filter { id, l in
            guard l.record.target == instanceId, let run = l.agentRun, run != runId else { return false }
            return l.relay.agent == nil
        }
        let now = clock.now()
        let ids = orphans.keys.sorted()
        for id in ids {
            let why = "Session \(id) ended: gangway-agent on \(instanceId) restarted, and the shell it ran ended with it."
            await end(id, status: .failed, reason: why, notifyAgent: false)
            await auditInterrupted(id, target: instanceId, why: why, now: now)
        }
        return ids
    }

    /// `SessionInterrupted`: a session ended because the process relaying or running it went away.
    private func auditInterrupted(_ sessionId: String, target: String, why: String, now: Date) async {
        try? await auditSink.record(AuditEventInput(eventTime: now, eventSource: "gangway", eventName: "SessionInterrupted",
                                                    principal: "gangwayd", errorMessage: why, sessionId: sessionId,
                                                    target: target))
    }

    /// Ends every live session on `target` (its instance was deregistered). Returns the ids ended.
    @discardableResult
    func endSessions(on target: String, status: SessionStatus, reason: (String) -> String) async -> [String] {
        let ids = live.filter { $0.value.record.target == target }.keys.sorted()
        for id in ids { await end(id, status: status, reason: reason(id), notifyAgent: true) }
        return ids
    }

    func endAll(reason: String) async {
        for id in Array(live.keys) { await end(id, status: .terminated, reason: reason, notifyAgent: true) }
    }

    /// At start, before serving: sessions the store still has as active were live when gangwayd last stopped without
    /// ending them (a crash, kill -9, a power loss; a clean stop ends them all). Their relays died with that process
    /// and cannot be resumed, so they end now as Failed: the EndDate is when their recording was last written (the
    /// last moment they are known to have been relayed; the start date without one), the recording gets an end
    /// marker, and each is audited as `SessionInterrupted`. Without this they stayed Connected in DescribeSessions
    /// (and the console) for ever. Only one gangwayd uses a data directory (its lock), so none of them can be live
    /// elsewhere. Returns the ids ended.
    @discardableResult
    func endInterrupted() async -> [String] {
        let stale: [SessionRecord]
        do { stale = try await store.sessions(active: true) } catch {
            logger.error("cannot read sessions left active by the last run", metadata: ["error": "\(error)"])
            return []
        }
        let now = clock.now()
        var ended: [String] = []
        for var record in stale where live[record.sessionId] == nil {
            let id = record.sessionId
            var lastRelayed = record.startDate
            do {
                let note = "gangwayd stopped unexpectedly; the session was not relayed after this point"
                if let closed = try recorder.closeInterrupted(sessionId: id, note: note) {
                    lastRelayed = max(lastRelayed, min(closed.lastWritten, now))
                }
            } catch {
                logger.error("cannot mark the end of an interrupted session's recording",
                             metadata: ["session": "\(id)", "error": "\(error)"])
            }
            let why = "Session \(id) ended: gangwayd stopped unexpectedly (a crash, kill -9 or power loss) while it was " +
                "\(record.status.rawValue.lowercased()); it was last relayed at \(Self.iso(lastRelayed)) and was ended " +
                "when gangwayd started again at \(Self.iso(now))."
            record.status = .failed
            record.endDate = lastRelayed
            record.details = why
            do { try await store.upsertSession(record) } catch {
                logger.error("cannot store the end of an interrupted session", metadata: ["session": "\(id)", "error": "\(error)"])
                continue
            }
            await auditInterrupted(id, target: record.target, why: why, now: now)
            await Self.auditEnd(record, sink: auditSink, now: now)
            logger.warning("ended a session the last run left live", metadata: ["session": "\(id)", "why": "\(why)"])
            ended.append(id)
        }
        return ended
    }

    private static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// The session's logout in the audit log (`SessionEnded`), whatever ended it: who (owner), where (target), when it
    /// started and ended, how (status, Details). DescribeSessions has the same in the store, which is not
    /// tamper-evident; the audit log is.
    private static func auditEnd(_ r: SessionRecord, sink: any AuditSink, now: Date) async {
        var elements: [String: Any] = ["sessionId": r.sessionId, "owner": r.owner, "target": r.target,
                                       "status": r.status.rawValue, "startDate": Self.iso(r.startDate)]
        if let end = r.endDate {
            elements["endDate"] = Self.iso(end)
            elements["durationSeconds"] = Int(end.timeIntervalSince(r.startDate).rounded())
        }
        if let details = r.details { elements["details"] = details }
        if let reason = r.reason { elements["reason"] = reason }
        let json = try? JSONSerialization.data(withJSONObject: elements, options: [.sortedKeys])
        try? await sink.record(AuditEventInput(eventTime: r.endDate ?? now, eventSource: "ssmmessages.amazonaws.com",
                                                    eventName: "SessionEnded", principal: "gangwayd", responseElements: json,
                                                    sessionId: r.sessionId, target: r.target))
    }
}

extension RelayCounters {
    mutating func add(_ o: RelayCounters) {
        framesFromClient += o.framesFromClient
        framesFromAgent += o.framesFromAgent
        bytesFromClient += o.bytesFromClient
        bytesFromAgent += o.bytesFromAgent
        malformedFrames += o.malformedFrames
        overflowDrops += o.overflowDrops
        failedWrites += o.failedWrites
        bytesAckedByClient += o.bytesAckedByClient
        messagesReadOffWire += o.messagesReadOffWire
        budgetPauses += o.budgetPauses
        slowClientCutoffs += o.slowClientCutoffs
    }
}
