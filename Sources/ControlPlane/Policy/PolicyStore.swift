import AccessPolicy
import Foundation

/// Durable policies, groups, roles and attachments. `SQLitePolicyStore` implements it next to the core tables.
/// Writes validate what they can see (the policy exists, the user exists) inside one transaction and bump the
/// revision; callers validate documents first (`PolicyAdministration`).
public protocol PolicyStore: Sendable {
    /// Inserts or replaces a policy's document text. Returns true when it was created.
    @discardableResult
    func putPolicy(name: String, document: String, now: Date) async throws -> Bool
    func policy(named name: String) async throws -> StoredPolicy?
    func policies() async throws -> [StoredPolicy]
    /// Fails while the policy is attached to anyone.
    func deletePolicy(named name: String) async throws

    func createGroup(_ name: String, now: Date) async throws
    func addUser(_ user: String, toGroup group: String) async throws
    func removeUser(_ user: String, fromGroup group: String) async throws

    func createRole(_ role: RoleRecord) async throws
    func role(named name: String) async throws -> RoleRecord?

    func attach(policy: String, to principal: PrincipalID) async throws
    func detach(policy: String, from principal: PrincipalID) async throws
    func setTag(_ key: String, value: String?, on principal: PrincipalID) async throws

    /// Disables every access key of `principal` (user name, agent id or role session) and records why, in one
    /// transaction. Returns how many keys were active. gangwayd ends the principal's live sessions on its next
    /// maintenance pass (`ControlPlaneServer.enforceAccess`).
    func revoke(principal: String, reason: String, now: Date) async throws -> Int
    /// Revoked principals and why, by principal.
    func revocations() async throws -> [String: RevocationRecord]
    /// Ends a revocation (`gangwayd admin reinstate`): the principal is judged by its policies again and may get a new
    /// key. Records a `ReinstatePrincipal` admin action in the same transaction. Returns the revocation it ended;
    /// throws when `principal` is not revoked.
    @discardableResult
    func reinstate(principal: String, actor: String, now: Date) async throws -> RevocationRecord
    /// The IdP subjects and user names behind a role session's temporary credentials (`role/ROLE/SESSION`), so
    /// revoking the person (`revoke alice`) also ends their live SSO sessions. Empty for other principals.
    func roleSessionIdentities(principal: String) async throws -> [String]
    /// Queues an admin action (revoke, reinstate) for the server's audit log.
    func recordAdminAction(_ action: AdminActionRecord) async throws
    /// Admin actions not yet in the audit log, oldest first.
    func pendingAdminActions(limit: Int) async throws -> [AdminActionRecord]
    /// Marks admin actions as written to the audit log.
    func markAdminActionsAudited(ids: [Int64]) async throws

    /// Everything the evaluator needs, parsed. Throws if a stored document no longer parses (fail closed).
    func directory() async throws -> PolicyDirectory
    /// A number that changes whenever anything above changes.
    func revision() async throws -> Int
}

/// A stored customer policy (the exact text the operator put, so `policy get` gives it back unchanged).
public struct StoredPolicy: Sendable, Equatable {
    public var name: String
    public var document: String
    public var createdAt: Date
    public var updatedAt: Date
    /// Who it is attached to.
    public var attachedTo: [PrincipalID]

    public init(name: String, document: String, createdAt: Date, updatedAt: Date, attachedTo: [PrincipalID] = []) {
        self.name = name
        self.document = document
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.attachedTo = attachedTo
    }
}

/// A role: assumed through SSO (`AssumeRoleWithWebIdentity`), with a trust document on token claims.
public struct RoleRecord: Sendable, Equatable {
    public var name: String
    /// JSON trust conditions on OIDC claims (issuer, audience, `groups` contains …).
    public var trust: String
    public var maxSessionSeconds: Int
    public var createdAt: Date

    public init(name: String, trust: String = "{}", maxSessionSeconds: Int = 3600, createdAt: Date) {
        self.name = name
        self.trust = trust
        self.maxSessionSeconds = maxSessionSeconds
        self.createdAt = createdAt
    }
}

/// A revoked principal.
public struct RevocationRecord: Sendable, Equatable {
    public var principal: String
    public var revokedAt: Date
    public var reason: String

    public init(principal: String, revokedAt: Date, reason: String) {
        self.principal = principal
        self.revokedAt = revokedAt
        self.reason = reason
    }
}

/// Something an administrator did with `gangwayd admin` that the server's audit log must show
/// (`RevokePrincipal`, `ReinstatePrincipal`).
public struct AdminActionRecord: Sendable, Equatable {
    public static let revoke = "RevokePrincipal"
    public static let reinstate = "ReinstatePrincipal"

    /// Assigned by the store; nil before it is stored.
    public var id: Int64?
    public var at: Date
    /// The audit event name: `RevokePrincipal` or `ReinstatePrincipal`.
    public var action: String
    /// Whom it was about.
    public var principal: String
    /// Who did it (`admin:<unix user>`).
    public var actor: String
    public var reason: String

    public init(id: Int64? = nil, at: Date, action: String, principal: String, actor: String, reason: String) {
        self.id = id
        self.at = at
        self.action = action
        self.principal = principal
        self.actor = actor
        self.reason = reason
    }
}

extension RevocationRecord {
    /// When, as ISO 8601 UTC (`2026-11-30T17:02:03Z`).
    public var revokedAtText: String { ISO8601DateFormatter().string(from: revokedAt) }

    /// The AccessDenied reason every request of the revoked principal gets (and the audit log keeps).
    public var denialReason: String {
        "principal \(principal) was revoked at \(revokedAtText): \(reason); access stays denied until an administrator runs `gangwayd admin reinstate \(principal)`"
    }

    /// The revocation that applies to `principal`: its own, or for a role session (`role/oncall/alice`) its role's.
    public static func applying(to principal: String, in revocations: [String: RevocationRecord]) -> RevocationRecord? {
        if revocations.isEmpty { return nil }
        if let own = revocations[principal] { return own }
        var prefix = Substring(principal)
        while let slash = prefix.lastIndex(of: "/") {
            prefix = prefix[..<slash]
            if let r = revocations[String(prefix)] { return r }
        }
        return nil
    }
}
