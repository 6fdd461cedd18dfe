import Foundation

/// Temporary credentials issued by `AssumeRoleWithWebIdentity`: an `ASIA…` access key, its secret (SigV4 needs it),
/// the SHA-256 of its session token, the role session principal (`role/ROLE/SESSION`) and when it stops working.
public struct TemporaryCredentialRecord: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    /// `Identifiers.tokenHash(sessionToken)`; the token itself is never stored.
    public var sessionTokenHash: String
    /// `role/ROLE/SESSION`: `PolicyAuthorizer` applies the policies attached to ROLE.
    public var principal: String
    public var roleName: String
    public var sessionName: String
    /// The ID token's `iss` and `sub`, and its `preferred_username`/`email` when present: revoking any of them (or
    /// the principal, or `role/ROLE`) disables these credentials.
    public var issuer: String
    public var subject: String
    public var userName: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var active: Bool

    public init(accessKeyId: String, secretAccessKey: String, sessionTokenHash: String, principal: String,
                roleName: String, sessionName: String, issuer: String, subject: String, userName: String?,
                createdAt: Date, expiresAt: Date, active: Bool = true) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionTokenHash = sessionTokenHash
        self.principal = principal
        self.roleName = roleName
        self.sessionName = sessionName
        self.issuer = issuer
        self.subject = subject
        self.userName = userName
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.active = active
    }
}

/// Where temporary credentials live. `SQLiteTemporaryCredentialStore` keeps them in gangway.sqlite (`sts_credentials`);
/// `SQLitePolicyStore.revoke` disables them in the same database.
public protocol TemporaryCredentialStore: Sendable {
    func insert(_ credential: TemporaryCredentialRecord) async throws
    func credential(accessKeyId: String) async throws -> TemporaryCredentialRecord?
    func credentials(principal: String) async throws -> [TemporaryCredentialRecord]
    /// Deletes credentials that expired before `cutoff`. Returns how many.
    @discardableResult
    func purge(expiredBefore cutoff: Date) async throws -> Int
}
