import Foundation

/// A freshly created access key, the only time its secret is shown.
public struct CreatedAccessKey: Sendable, Equatable, Codable {
    public var accessKeyId: String
    public var secretAccessKey: String
    enum CodingKeys: String, CodingKey { case accessKeyId = "AccessKeyId", secretAccessKey = "SecretAccessKey" }
}

/// Admin operations (`gangwayd admin …`, `gangway demo`) on any store.
extension ControlPlaneStore {
    /// Creates an operator. Names are what SessionIds start with, so they are restricted to `[A-Za-z0-9_.@-]`.
    @discardableResult
    public func createUser(_ name: String, now: Date = Date()) async throws -> UserRecord {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-")
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ allowed.contains($0) }) else {
            throw StoreError("user name `\(name)` is invalid: use 1–64 letters, digits, `_`, `.`, `@` or `-`")
        }
        let user = UserRecord(name: name, createdAt: now)
        try await insertUser(user)
        return user
    }

    /// Creates an access key for an existing user.
    public func createAccessKey(user name: String, now: Date = Date()) async throws -> CreatedAccessKey {
        guard try await user(named: name) != nil else {
            throw StoreError("no user named \(name); create it first with `gangwayd admin user create \(name)`")
        }
        return try await createAccessKey(principal: name, kind: .user, now: now)
    }

    func createAccessKey(principal: String, kind: PrincipalKind, now: Date) async throws -> CreatedAccessKey {
        let key = AccessKeyRecord(accessKeyId: Identifiers.accessKeyId(), secretAccessKey: Identifiers.secretAccessKey(),
                                  principal: principal, kind: kind, createdAt: now)
        try await insertAccessKey(key)
        return CreatedAccessKey(accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey)
    }

    /// Creates an agent registration token usable `uses` times within `ttl` seconds. Returns the token text.
    public func createAgentToken(uses: Int = 1, ttl: TimeInterval = 86_400, now: Date = Date()) async throws -> String {
        guard uses >= 1 else { throw StoreError("--uses must be at least 1") }
        guard ttl > 0 else { throw StoreError("--ttl must be a positive number of seconds") }
        let token = Identifiers.registrationToken()
        try await insertRegistrationToken(RegistrationTokenRecord(tokenHash: Identifiers.tokenHash(token), usesLeft: uses,
                                                                   expiresAt: now.addingTimeInterval(ttl), createdAt: now))
        return token
    }
}
