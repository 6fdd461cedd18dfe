import Foundation
import GRDB

/// `TemporaryCredentialStore` and `OIDCProviderStore` on the control plane's SQLite database (migration `sts-v1`,
/// tables `sts_credentials` and `oidc_providers`).
public struct SQLiteTemporaryCredentialStore: TemporaryCredentialStore {
    let writer: any DatabaseWriter

    /// Uses an open database, adding the table if it is missing.
    public init(writer: any DatabaseWriter) throws {
        try Self.migrator.migrate(writer)
        self.writer = writer
    }

    /// Opens (creating and migrating if needed) `dataDir/gangway.sqlite`.
    public init(dataDir: URL) throws {
        writer = try DataDirDatabase.open(dataDir, migrators: [Self.migrator]).pool
    }

    /// Append new migrations; never edit a shipped one. GRDB skips applied ones and tolerates the other migrators'.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("sts-v1") { db in
            try db.execute(sql: """
                CREATE TABLE sts_credentials (
                    access_key_id TEXT PRIMARY KEY NOT NULL, secret TEXT NOT NULL, session_token_hash TEXT NOT NULL,
                    principal TEXT NOT NULL, role_name TEXT NOT NULL, session_name TEXT NOT NULL,
                    issuer TEXT NOT NULL, subject TEXT NOT NULL, user_name TEXT,
                    created_at DOUBLE NOT NULL, expires_at DOUBLE NOT NULL, active INTEGER NOT NULL DEFAULT 1);
                CREATE INDEX sts_credentials_principal ON sts_credentials(principal);
                CREATE INDEX sts_credentials_subject ON sts_credentials(subject);
                CREATE INDEX sts_credentials_expiry ON sts_credentials(expires_at);
                CREATE TABLE oidc_providers (
                    name TEXT PRIMARY KEY NOT NULL, issuer TEXT NOT NULL UNIQUE, audiences TEXT NOT NULL,
                    jwks_file TEXT, jwks_url TEXT, leeway DOUBLE NOT NULL DEFAULT 60, created_at DOUBLE NOT NULL);
                """)
        }
        return m
    }

    /// What `SQLitePolicyStore.revoke` runs in its transaction: disables the temporary credentials of `principal` —
    /// the role session itself, every session of a role (`role/ROLE`), or every session whose ID token's subject or
    /// user name is `principal` — and returns how many were active. Sessions reached through the subject or user name
    /// are revoked too (their own revocation row, reason naming `principal`), so the authorizer denies them and the
    /// maintenance pass ends their live shells; reinstate them with `gangwayd admin reinstate role/ROLE/SESSION`.
    /// Does nothing before the `sts-v1` table exists.
    static func revoke(_ db: Database, principal: String, reason: String, now: Date) throws -> Int {
        guard try db.tableExists("sts_credentials") else { return 0 }
        let viaIdentity = try String.fetchAll(db, sql: """
            SELECT DISTINCT principal FROM sts_credentials WHERE (subject = ? OR user_name = ?) AND principal != ?
            """, arguments: [principal, principal, principal])
        try db.execute(sql: """
            UPDATE sts_credentials SET active = 0
            WHERE active = 1 AND (principal = ? OR substr(principal, 1, length(?) + 1) = ? || '/'
                                  OR subject = ? OR user_name = ?)
            """, arguments: [principal, principal, principal, principal, principal])
        let disabled = db.changesCount
        if try db.tableExists("revocations") {
            for session in viaIdentity {
                try db.execute(sql: "INSERT OR IGNORE INTO revocations (principal, revoked_at, reason) VALUES (?, ?, ?)",
                               arguments: [session, now.timeIntervalSince1970, "\(reason) (revoked with \(principal))"])
            }
        }
        return disabled
    }

    public func insert(_ c: TemporaryCredentialRecord) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO sts_credentials (access_key_id, secret, session_token_hash, principal, role_name, session_name,
                                             issuer, subject, user_name, created_at, expires_at, active)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.accessKeyId, c.secretAccessKey, c.sessionTokenHash, c.principal, c.roleName,
                                 c.sessionName, c.issuer, c.subject, c.userName, c.createdAt.timeIntervalSince1970,
                                 c.expiresAt.timeIntervalSince1970, c.active])
        }
    }

    public func credential(accessKeyId: String) async throws -> TemporaryCredentialRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sts_credentials WHERE access_key_id = ?", arguments: [accessKeyId])
                .map(Self.record)
        }
    }

    public func credentials(principal: String) async throws -> [TemporaryCredentialRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sts_credentials WHERE principal = ? ORDER BY created_at",
                             arguments: [principal]).map(Self.record)
        }
    }

    public func purge(expiredBefore cutoff: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM sts_credentials WHERE expires_at < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }

    static func record(_ row: Row) -> TemporaryCredentialRecord {
        TemporaryCredentialRecord(accessKeyId: row["access_key_id"], secretAccessKey: row["secret"],
                                  sessionTokenHash: row["session_token_hash"], principal: row["principal"],
                                  roleName: row["role_name"], sessionName: row["session_name"], issuer: row["issuer"],
                                  subject: row["subject"], userName: row["user_name"],
                                  createdAt: Date(timeIntervalSince1970: row["created_at"]),
                                  expiresAt: Date(timeIntervalSince1970: row["expires_at"]), active: row["active"])
    }
}
