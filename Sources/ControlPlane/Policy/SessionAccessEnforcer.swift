import AccessPolicy
import Foundation

/// Ends live sessions that must not go on, once per maintenance pass (`ControlPlaneServer.enforceAccess`):
/// - their owner was revoked (`gangwayd admin revoke`; with `PolicyAuthorizer` the stored revocation, otherwise
///   "has keys and none is active"): ended at once, whatever the grace period, and the revoke-to-kill latency is
///   measured (`RevocationMetrics`);
/// - with `PolicyAuthorizer`, policy no longer allows StartSession on the target (a time window closed, a policy
///   was detached or a Deny added): with `config.policyGraceSeconds` > 0 the user is first told
///   "gangway: access to HOST ends in N s: …" and the session ends when the grace passes (unless policy allows it
///   again meanwhile); with 0 it ends at once.
/// Each ended session gets `channel_closed` with the reason, and an audit event. The pass also writes the admin
/// actions `gangwayd admin` queued (revoke, reinstate) into the audit log.
enum SessionAccessEnforcer {
    /// One pass over live sessions. Returns the ids it ended.
    static func enforce(_ services: ControlPlaneServices) async -> [String] {
        let policy = services.authorizer as? PolicyAuthorizer
        if let policy { await auditAdminActions(policy.store, services) }
        let active: [SessionRecord]
        do { active = try await services.store.sessions(active: true) } catch {
            // Cancelled: gangwayd is shutting down, nothing is wrong.
            if !(error is CancellationError) {
                services.logger.error("access enforcement cannot read sessions", metadata: ["error": "\(error)"])
            }
            return []
        }
        let now = services.clock.now()
        if let policy { await disconnectRevokedAgents(policy, services, now: now) }
        var ended: [String] = []
        var live: Set<String> = []
        var keyCache: [String: Bool] = [:]
        for session in active where await services.sessions.isLive(session.sessionId) {
            live.insert(session.sessionId)
            if let revoked = await revocation(of: session.owner, policy, services, &keyCache) {
                if await endRevoked(session, revoked, services, now: now) { ended.append(session.sessionId) }
                continue
            }
            // The host itself was revoked (a compromised or retired machine): nobody's session on it goes on.
            if let revoked = await revocation(of: session.target, policy, services, &keyCache) {
                let why = "Session \(session.sessionId) was ended: access to \(session.target) was revoked (\(revoked.reason))."
                if await endRevoked(session, revoked, services, now: now, why: why) { ended.append(session.sessionId) }
                continue
            }
            guard let policy else { continue }
            if await reevaluate(session, policy, services, now: now) { ended.append(session.sessionId) }
        }
        await services.access.keepGraces(only: live)
        return ended
    }

    /// Ends a revoked principal's session now; the latency is observed once both ends were told.
    private static func endRevoked(_ session: SessionRecord, _ revoked: RevocationRecord, _ services: ControlPlaneServices,
                                   now: Date, why: String? = nil) async -> Bool {
        let why = why ?? "Session \(session.sessionId) was ended: access for \(session.owner) was revoked (\(revoked.reason))."
        let access = services.access
        let clock = services.clock
        let measured = revoked.revokedAt != .distantPast
        let record = await services.sessions.end(session.sessionId, status: .terminated, reason: why, notifyAgent: true,
                                                 told: {
            if measured { await access.observeKill(seconds: clock.now().timeIntervalSince(revoked.revokedAt)) }
        })
        guard record != nil else { return false }
        await access.terminated(reason: "revoked")
        await access.clearGrace(session.sessionId)
        await audit(session, why, services, now: now)
        return true
    }

    /// Closes the control channel of every connected agent that was revoked (`gangwayd admin revoke mi-…`): it shows
    /// ConnectionLost at once, gets no new session, and cannot come back (its key is disabled). Audited as
    /// `AgentDisconnected`. Before, a revoked agent stayed Online until `connection_lost_after` and StartSession to it
    /// was accepted (and failed when the agent could not open the data channel).
    private static func disconnectRevokedAgents(_ policy: PolicyAuthorizer, _ services: ControlPlaneServices,
                                                now: Date) async {
        let revocations = await policy.revocations()
        guard !revocations.isEmpty else { return }
        for instanceId in await services.agents.connectedInstanceIds() {
            guard let revoked = RevocationRecord.applying(to: instanceId, in: revocations) else { continue }
            let why = "agent \(instanceId) was revoked (\(revoked.reason))"
            guard await services.agents.disconnect(instanceId, reason: why) else { continue }
            try? await services.auditSink.record(AuditEventInput(
                eventTime: now, eventSource: "gangway", eventName: "AgentDisconnected", principal: "gangwayd",
                errorCode: "AccessDeniedException", errorMessage: why, target: instanceId))
        }
    }

    /// Re-evaluates StartSession for a live session; tells its user, waits out the grace period, or ends it.
    /// True when it ended the session.
    private static func reevaluate(_ session: SessionRecord, _ policy: PolicyAuthorizer, _ services: ControlPlaneServices,
                                   now: Date) async -> Bool {
        let agent = (try? await services.store.agent(id: session.target)) ?? nil
        let decision = await policy.reevaluate(owner: session.owner, target: session.target, tags: agent?.labels ?? [:],
                                               at: now)
        let host = agent.map { $0.computerName.isEmpty ? session.target : $0.computerName } ?? session.target
        if decision.allowed {
            if await services.access.clearGrace(session.sessionId) {
                _ = await services.sessions.notice(session.sessionId,
                                                   text: "\r\ngangway: access to \(host) is allowed again; the session goes on.\r\n")
            }
            return false
        }
        // A revocation that committed after this pass looked for one: end it as revoked (no grace, measured).
        if let revoked = await policy.revocation(of: session.owner) {
            return await endRevoked(session, revoked, services, now: now)
        }
        let graceSeconds = services.config.policyGraceSeconds
        if graceSeconds > 0 {
            let (grace, started) = await services.access.grace(for: session.sessionId,
                                                               deadline: now.addingTimeInterval(graceSeconds),
                                                               reason: decision.reason)
            if started {
                let text = "gangway: access to \(host) ends in \(RevocationMetrics.number(graceSeconds)) s: \(decision.reason)"
                _ = await services.sessions.notice(session.sessionId, text: "\r\n\(text)\r\n")
                await audit(session, text, services, now: now, eventName: "SessionAccessEnding")
            }
            if now < grace.deadline { return false }
        }
        let why = "Session \(session.sessionId) was ended: \(session.owner) may no longer reach \(session.target) (\(decision.reason))."
        guard await services.sessions.end(session.sessionId, status: .terminated, reason: why, notifyAgent: true) != nil else {
            return false
        }
        await services.access.terminated(reason: "policy")
        await services.access.clearGrace(session.sessionId)
        await audit(session, why, services, now: now)
        return true
    }

    private static func audit(_ session: SessionRecord, _ message: String, _ services: ControlPlaneServices, now: Date,
                              eventName: String = "TerminateSession") async {
        do {
            try await services.auditSink.record(AuditEventInput(
                eventTime: now, eventSource: "gangway", eventName: eventName, principal: "gangwayd",
                errorCode: "AccessDeniedException", errorMessage: message, sessionId: session.sessionId,
                target: session.target))
        } catch {
            services.logger.error("cannot audit access enforcement", metadata: ["session": "\(session.sessionId)",
                                                                                "error": "\(error)"])
        }
    }

    /// The revocation that applies to `principal`. Without `PolicyAuthorizer` (no policy configured) a principal
    /// counts as revoked when it has keys and none is active (no recorded time: not measured).
    private static func revocation(of principal: String, _ policy: PolicyAuthorizer?, _ services: ControlPlaneServices,
                                   _ cache: inout [String: Bool]) async -> RevocationRecord? {
        if let policy { return await policy.revocation(of: principal) }
        let revoked: Bool
        if let known = cache[principal] {
            revoked = known
        } else {
            guard let keys = try? await services.store.accessKeys(principal: principal) else { return nil }
            revoked = !keys.isEmpty && !keys.contains(where: \.active)
            cache[principal] = revoked
        }
        return revoked ? RevocationRecord(principal: principal, revokedAt: .distantPast, reason: "its access keys were disabled") : nil
    }

    /// Writes the revocations and reinstatements `gangwayd admin` queued into the audit log, oldest first.
    private static func auditAdminActions(_ store: any PolicyStore, _ services: ControlPlaneServices) async {
        guard await services.access.beginDrain() else { return }
        var done: [Int64] = []
        do {
            for action in try await store.pendingAdminActions(limit: 100) {
                let parameters = try JSONSerialization.data(withJSONObject: ["principal": action.principal, "reason": action.reason],
                                                            options: [.sortedKeys])
                try await services.auditSink.record(AuditEventInput(
                    eventTime: action.at, eventSource: "gangway", eventName: action.action, principal: action.actor,
                    userAgent: "gangwayd admin", requestParameters: parameters))
                if let id = action.id { done.append(id) }
            }
        } catch is CancellationError {
            // shutting down: the next start audits what is left
        } catch {
            services.logger.error("cannot audit admin actions; retrying on the next pass", metadata: ["error": "\(error)"])
        }
        do { try await store.markAdminActionsAudited(ids: done) } catch {
            services.logger.error("cannot mark admin actions audited", metadata: ["error": "\(error)"])
        }
        await services.access.endDrain()
    }
}

extension ControlPlaneServer {
    /// One access-enforcement pass (also run by every maintenance pass): ends live sessions of revoked principals and
    /// sessions policy no longer allows (after the grace period). Returns the ids it ended.
    @discardableResult
    public func enforceAccess() async -> [String] {
        await SessionAccessEnforcer.enforce(services)
    }

    /// Revoke-to-kill latency and enforcement counters (also on `/metrics`).
    public func revocationMetrics() async -> RevocationMetrics {
        await services.access.metrics
    }
}
