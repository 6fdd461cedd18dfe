import AccessPolicy
import Foundation
import Logging

/// The `Authorizer` that enforces stored policies: explicit Deny wins, then Allow, otherwise deny — so a user with no
/// policies can do nothing (a user may still end their own sessions).
///
/// The parsed directory is cached and reloaded when the store's revision changes, so a policy change applies to the
/// very next request. If the store cannot be read or a stored policy no longer parses, every request is denied
/// (fail closed) with a reason saying so.
///
/// A revoked principal (`gangwayd admin revoke`) is denied everything, whatever its policies and keys, until
/// `gangwayd admin reinstate`; the reason names when and why it was revoked.
public actor PolicyAuthorizer: Authorizer {
    /// Where policies and revocations live (the enforcer drains its admin-action queue too).
    nonisolated let store: any PolicyStore
    private let evaluator: PolicyEvaluator
    private let logger: Logger
    private var cached: (revision: Int, directory: PolicyDirectory, revocations: [String: RevocationRecord])?
    /// The source address of the last allowed StartSession per principal and target, so a live session is
    /// re-evaluated with the address it was opened from (sessions do not record it). Bounded: cleared when full.
    private var startSources: [String: String] = [:]
    private let maxStartSources = 10_000

    public init(store: any PolicyStore, evaluator: PolicyEvaluator = PolicyEvaluator(),
                logger: Logger = Logger(label: "gangwayd.policy")) {
        self.store = store
        self.evaluator = evaluator
        self.logger = logger
    }

    /// Enforces the policies stored in `dataDir` (the same directory `gangwayd serve --data-dir` uses):
    /// `ControlPlaneServer(config:store:auditSink:authorizer: try PolicyAuthorizer(dataDir: config.dataDir))`.
    public init(dataDir: URL, evaluator: PolicyEvaluator = PolicyEvaluator(),
                logger: Logger = Logger(label: "gangwayd.policy")) throws {
        self.init(store: try SQLitePolicyStore(dataDir: dataDir), evaluator: evaluator, logger: logger)
    }

    public func authorize(_ request: AuthorizationRequest) async -> AuthorizationDecision {
        let decision = await decide(request)
        if decision.allowed, request.action == ActionCatalog.startSession, let ip = request.sourceIP {
            if startSources.count >= maxStartSources { startSources.removeAll() }
            startSources[request.principal + "\u{0}" + request.resource] = ip
        }
        if !decision.allowed {
            logger.info("access denied", metadata: ["principal": "\(request.principal)", "action": "\(request.action)",
                                                    "resource": "\(request.resource)", "reason": "\(decision.reason)"])
        }
        return AuthorizationDecision(allowed: decision.allowed, reason: decision.reason,
                                     statement: decision.statement?.description)
    }

    /// The full decision (outcome and deciding statement), for callers that want more than `Authorizer` offers.
    public func decide(_ request: AuthorizationRequest) async -> PolicyDecision {
        let directory: PolicyDirectory
        let revocations: [String: RevocationRecord]
        do {
            (directory, revocations) = try await current()
        } catch {
            return PolicyDecision(outcome: .implicitDeny, reason: "denied: policies cannot be read (\(error)); every request is denied until this is fixed")
        }
        if let revoked = RevocationRecord.applying(to: request.principal, in: revocations) {
            return PolicyDecision(outcome: .explicitDeny, reason: "denied: \(revoked.denialReason)")
        }
        let principal = Self.principal(for: request.principal)
        let tags = request.principalTags.merging(directory.tags(of: principal)) { given, _ in given }
        let access = AccessRequest(principal: principal.name, action: request.action, resource: request.resource,
                                   resourceTags: request.resourceTags, principalTags: tags, sourceIP: request.sourceIP,
                                   time: request.time, multiFactorAuthPresent: request.mfa)
        return evaluator.evaluate(access, policies: directory.attachedPolicies(for: principal))
    }

    /// Whether `owner` may still hold a session on `target` at `time` (StartSession re-evaluated with the address
    /// the session was opened from). Live sessions whose answer turns to deny are ended (`enforceAccess`).
    public func reevaluate(owner: String, target: String, tags: [String: String], at time: Date) async -> PolicyDecision {
        let ip = startSources[owner + "\u{0}" + target]
        return await decide(AuthorizationRequest(principal: owner, action: ActionCatalog.startSession, resource: target,
                                                 resourceTags: tags, sourceIP: ip, time: time))
    }

    /// `alice` is a user; `role/oncall` (or `role/oncall/session-name`, an SSO session) is a role.
    static func principal(for name: String) -> PrincipalID {
        if name.hasPrefix("role/") {
            let rest = name.dropFirst("role/".count)
            return .role(String(rest.split(separator: "/", maxSplits: 1).first ?? rest))
        }
        return .user(name)
    }

    /// Forgets the cached directory (tests; the revision check normally makes this unnecessary).
    public func invalidate() {
        cached = nil
    }

    /// Every stored revocation by principal (one read per policy revision: a maintenance pass checks many agents);
    /// empty too when the store cannot be read.
    public func revocations() async -> [String: RevocationRecord] {
        (try? await current().revocations) ?? [:]
    }

    /// The revocation that applies to `principal` now, if any (nil too when the store cannot be read: the
    /// request path fails closed on its own).
    /// A role session (`role/ROLE/SESSION`) is also revoked when the person its credentials were issued to (ID token
    /// subject or user name) is.
    public func revocation(of principal: String) async -> RevocationRecord? {
        let revocations = await revocations()
        guard !revocations.isEmpty else { return nil }
        if let r = RevocationRecord.applying(to: principal, in: revocations) { return r }
        guard principal.hasPrefix("role/"), let people = try? await store.roleSessionIdentities(principal: principal) else {
            return nil
        }
        return people.lazy.compactMap { revocations[$0] }.first
    }

    private func current() async throws -> (directory: PolicyDirectory, revocations: [String: RevocationRecord]) {
        let revision = try await store.revision()
        if let cached, cached.revision == revision { return (cached.directory, cached.revocations) }
        let directory = try await store.directory()
        let revocations = try await store.revocations()
        cached = (revision, directory, revocations)
        return (directory, revocations)
    }
}
