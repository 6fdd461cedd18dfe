import Foundation
import GRDB

/// Reinstatement, the people behind role sessions, and the admin-action queue the server drains into its audit log.
extension SQLitePolicyStore {
    @discardableResult
    public func reinstate(principal: String, actor: String, now: Date) async throws -> RevocationRecord {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM revocations WHERE principal = ?", arguments: [principal]) else {
                throw StoreError("\(principal) is not revoked; `gangwayd admin revoke \(principal)` revokes it")
            }
            let ended = RevocationRecord(principal: row["principal"], revokedAt: Date(timeIntervalSince1970: row["revoked_at"]),
                                         reason: row["reason"])
            try db.execute(sql: "DELETE FROM revocations WHERE principal = ?", arguments: [principal])
            try Self.insertAdminAction(db, AdminActionRecord(at: now, action: AdminActionRecord.reinstate, principal: principal,
                                                             actor: actor, reason: "revoked since \(ended.revokedAtText): \(ended.reason)"))
            try Self.bump(db)
            return ended
        }
    }

    public func roleSessionIdentities(principal: String) async throws -> [String] {
        guard principal.hasPrefix("role/") else { return [] }
        return try await writer.read { db in
            guard try db.tableExists("sts_credentials") else { return [] }
            var out: Set<String> = []
            for row in try Row.fetchAll(db, sql: "SELECT DISTINCT subject, user_name FROM sts_credentials WHERE principal = ?",
                                        arguments: [principal]) {
                if let subject: String = row["subject"] { out.insert(subject) }
                if let name: String = row["user_name"] { out.insert(name) }
            }
            return out.sorted()
        }
    }

    public func recordAdminAction(_ action: AdminActionRecord) async throws {
        try await writer.write { db in try Self.insertAdminAction(db, action) }
    }

    public func pendingAdminActions(limit: Int) async throws -> [AdminActionRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM policy_admin_actions WHERE audited = 0 ORDER BY id LIMIT ?",
                             arguments: [limit]).map { row in
                AdminActionRecord(id: row["id"], at: Date(timeIntervalSince1970: row["at"]), action: row["action"],
                                  principal: row["principal"], actor: row["actor"], reason: row["reason"])
            }
        }
    }

    public func markAdminActionsAudited(ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await writer.write { db in
            for id in ids {
                try db.execute(sql: "UPDATE policy_admin_actions SET audited = 1 WHERE id = ?", arguments: [id])
            }
        }
    }

    static func insertAdminAction(_ db: Database, _ a: AdminActionRecord) throws {
        try db.execute(sql: """
            INSERT INTO policy_admin_actions (at, action, principal, actor, reason, audited) VALUES (?, ?, ?, ?, ?, 0)
            """, arguments: [a.at.timeIntervalSince1970, a.action, a.principal, a.actor, a.reason])
    }
}
