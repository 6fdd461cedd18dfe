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
