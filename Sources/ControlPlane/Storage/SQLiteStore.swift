import Foundation
import GRDB

/// `ControlPlaneStore` on SQLite through GRDB: a `DatabasePool` (WAL mode) at `DATA_DIR/gangway.sqlite`,
/// migrated on open.
public final class SQLiteStore: ControlPlaneStore {
    private let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the database in `dataDir` and applies pending migrations.
    public init(dataDir: URL) throws {
        (pool, path) = try DataDirDatabase.open(dataDir, migrators: [Self.migrator])
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: users

    public func insertUser(_ user: UserRecord) async throws {
        try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE name = ?", arguments: [user.name]) == true {
                throw StoreError("user \(user.name) already exists")
            }
            try db.execute(sql: "INSERT INTO users (name, created_at) VALUES (?, ?)",
                           arguments: [user.name, user.createdAt.timeIntervalSince1970])
        }
    }

    public func user(named name: String) async throws -> UserRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM users WHERE name = ?", arguments: [name]).map(Self.user)
        }
    }

    public func users() async throws -> [UserRecord] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY name").map(Self.user) }
    }

    static func user(_ row: Row) -> UserRecord {
        UserRecord(name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    // MARK: access keys

    public func insertAccessKey(_ key: AccessKeyRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO access_keys (access_key_id, secret, principal, kind, created_at, active)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [key.accessKeyId, key.secretAccessKey, key.principal, key.kind.rawValue,
                                 key.createdAt.timeIntervalSince1970, key.active])
        }
    }

    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM access_keys WHERE access_key_id = ?", arguments: [id]).map(Self.key)
        }
    }

    public func accessKeys(principal: String) async throws -> [AccessKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM access_keys WHERE principal = ? ORDER BY created_at",
                             arguments: [principal]).map(Self.key)
        }
    }

    static func key(_ row: Row) -> AccessKeyRecord {
        AccessKeyRecord(accessKeyId: row["access_key_id"], secretAccessKey: row["secret"], principal: row["principal"],
                        kind: PrincipalKind(rawValue: row["kind"]) ?? .user,
                        createdAt: Date(timeIntervalSince1970: row["created_at"]), active: row["active"])
    }

    // MARK: registration tokens

    public func insertRegistrationToken(_ token: RegistrationTokenRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO registration_tokens (token_hash, uses_left, expires_at, created_at) VALUES (?, ?, ?, ?)
                """, arguments: [token.tokenHash, token.usesLeft, token.expiresAt.timeIntervalSince1970,
                                 token.createdAt.timeIntervalSince1970])
        }
    }

    public func consumeRegistrationToken(hash: String, now: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE registration_tokens SET uses_left = uses_left - 1
                WHERE token_hash = ? AND uses_left > 0 AND expires_at > ?
                """, arguments: [hash, now.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    // MARK: agents

    public func deregisterAgent(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM agents WHERE instance_id = ?", arguments: [id])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE access_keys SET active = 0 WHERE principal = ? AND active = 1", arguments: [id])
            return true
        }
    }

    public func upsertAgent(_ a: AgentRecord) async throws {
        let labels = String(decoding: try JSONEncoder().encode(a.labels), as: UTF8.self)
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO agents (instance_id, computer_name, platform_type, platform_name, platform_version,
                                    ip_address, agent_version, labels, registered_at, last_ping_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(instance_id) DO UPDATE SET computer_name = excluded.computer_name,
                    platform_type = excluded.platform_type, platform_name = excluded.platform_name,
                    platform_version = excluded.platform_version, ip_address = excluded.ip_address,
                    agent_version = excluded.agent_version, labels = excluded.labels,
                    last_ping_at = COALESCE(excluded.last_ping_at, agents.last_ping_at)
                """, arguments: [a.instanceId, a.computerName, a.platformType, a.platformName, a.platformVersion,
                                 a.ipAddress, a.agentVersion, labels, a.registeredAt.timeIntervalSince1970,
                                 a.lastPingAt?.timeIntervalSince1970])
        }
    }

    public func agent(id: String) async throws -> AgentRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM agents WHERE instance_id = ?", arguments: [id]).map(Self.agent)
        }
    }

    public func agents() async throws -> [AgentRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM agents ORDER BY instance_id").map(Self.agent)
        }
    }

    public func updateAgentPing(id: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE agents SET last_ping_at = ? WHERE instance_id = ?",
                           arguments: [at.timeIntervalSince1970, id])
        }
    }

    static func agent(_ row: Row) -> AgentRecord {
        let labelsText: String = row["labels"]
        let labels = (try? JSONDecoder().decode([String: String].self, from: Data(labelsText.utf8))) ?? [:]
        let ping: Double? = row["last_ping_at"]
        return AgentRecord(instanceId: row["instance_id"], computerName: row["computer_name"],
                           platformType: row["platform_type"], platformName: row["platform_name"],
                           platformVersion: row["platform_version"], ipAddress: row["ip_address"],
                           agentVersion: row["agent_version"], labels: labels,
                           registeredAt: Date(timeIntervalSince1970: row["registered_at"]),
                           lastPingAt: ping.map { Date(timeIntervalSince1970: $0) })
    }

    // MARK: sessions

    public func upsertSession(_ s: SessionRecord) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO sessions (session_id, target, owner, status, document_name, reason, details, start_date,
                                      end_date, max_session_duration)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(session_id) DO UPDATE SET status = excluded.status, details = excluded.details,
                    end_date = excluded.end_date
                """, arguments: [s.sessionId, s.target, s.owner, s.status.rawValue, s.documentName, s.reason,
                                 s.details, s.startDate.timeIntervalSince1970, s.endDate?.timeIntervalSince1970,
                                 s.maxSessionDuration])
        }
    }

    public func session(id: String) async throws -> SessionRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE session_id = ?", arguments: [id]).map(Self.session)
        }
    }

    public func sessions(active: Bool) async throws -> [SessionRecord] {
        let finished = [SessionStatus.terminated.rawValue, SessionStatus.failed.rawValue]
        let op = active ? "NOT IN" : "IN"
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sessions WHERE status \(op) (?, ?) ORDER BY start_date DESC, session_id",
                             arguments: StatementArguments(finished)).map(Self.session)
        }
    }

    static func session(_ row: Row) -> SessionRecord {
        let end: Double? = row["end_date"]
        return SessionRecord(sessionId: row["session_id"], target: row["target"], owner: row["owner"],
                             status: SessionStatus(rawValue: row["status"]) ?? .failed,
                             documentName: row["document_name"], reason: row["reason"], details: row["details"],
                             startDate: Date(timeIntervalSince1970: row["start_date"]),
                             endDate: end.map { Date(timeIntervalSince1970: $0) },
                             maxSessionDuration: row["max_session_duration"])
    }
}
