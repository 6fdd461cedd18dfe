import AccessPolicy
import Foundation

/// Ends live sessions that must not go on: their owner was revoked (no active access key left — see
/// `PolicyStore.revoke`), or, with `PolicyAuthorizer`, policy no longer allows StartSession on the target now (a time
/// window closed, a policy was detached or a Deny added). Each ended session gets `channel_closed` with the reason,
/// and an audit event.
enum SessionAccessEnforcer {
    /// One pass over live sessions. Returns the ids it ended.
    static func enforce(_ services: ControlPlaneServices) async -> [String] {
        let active: [SessionRecord]
        do { active = try await services.store.sessions(active: true) } catch {
            services.logger.error("access enforcement cannot read sessions", metadata: ["error": "\(error)"])
            return []
        }
        let now = services.clock.now()
        let policy = services.authorizer as? PolicyAuthorizer
        var ended: [String] = []
        var keyCache: [String: Bool] = [:]
        for session in active where await services.sessions.isLive(session.sessionId) {
            let why: String?
            if let revoked = await isRevoked(session.owner, services, &keyCache), revoked {
                why = "Session \(session.sessionId) was ended: access for \(session.owner) was revoked."
            } else if let policy {
                let tags = (try? await services.store.agent(id: session.target))??.labels ?? [:]
                let d = await policy.reevaluate(owner: session.owner, target: session.target, tags: tags, at: now)
                why = d.allowed ? nil : "Session \(session.sessionId) was ended: \(session.owner) may no longer reach \(session.target) (\(d.reason))."
            } else {
                why = nil
            }
            guard let why else { continue }
            await services.sessions.end(session.sessionId, status: .terminated, reason: why, notifyAgent: true)
            try? await services.auditSink.record(AuditEventInput(
                eventTime: now, eventSource: "gangway", eventName: "TerminateSession", principal: "gangwayd",
                errorCode: "AccessDeniedException", errorMessage: why, sessionId: session.sessionId, target: session.target))
            ended.append(session.sessionId)
        }
        return ended
    }

    /// A principal is revoked when it has keys and none is active. Nil when the keys cannot be read.
    private static func isRevoked(_ principal: String, _ services: ControlPlaneServices,
                                  _ cache: inout [String: Bool]) async -> Bool? {
        if let known = cache[principal] { return known }
        guard let keys = try? await services.store.accessKeys(principal: principal) else { return nil }
        let revoked = !keys.isEmpty && !keys.contains(where: \.active)
        cache[principal] = revoked
        return revoked
    }
}

extension ControlPlaneServer {
    /// One access-enforcement pass (also run by every maintenance pass): ends live sessions of revoked principals and
    /// sessions policy no longer allows. Returns the ids it ended.
    @discardableResult
    public func enforceAccess() async -> [String] {
        await SessionAccessEnforcer.enforce(services)
    }
}
