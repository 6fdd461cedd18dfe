import AccessPolicy
import Foundation
import GRDB

/// `PolicyStore` on the control plane's SQLite database (the tables of `PolicySchema`).
///
/// Give it the same `DatabaseWriter` as `SQLiteStore` when one is at hand; `init(dataDir:)` opens its own pool on
/// `DATA_DIR/gangway.sqlite` (SQLite serialises the two writers; the busy timeout absorbs contention).
public struct SQLitePolicyStore: PolicyStore {
    let writer: any DatabaseWriter

    /// Uses an open database (the core store's), adding the policy tables if they are missing.
    public init(writer: any DatabaseWriter) throws {
        try PolicySchema.migrator.migrate(writer)
        self.writer = writer
    }

    /// Opens (creating and migrating if needed) the database in `dataDir`.
    public init(dataDir: URL) throws {
        writer = try DataDirDatabase.open(dataDir, migrators: [SQLiteStore.migrator, PolicySchema.migrator]).pool
    }

    // MARK: policies

    public func putPolicy(name: String, document: String, now: Date) async throws -> Bool {
        try await writer.write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM policies WHERE name = ?", arguments: [name]) == true
            if exists {
                try db.execute(sql: "UPDATE policies SET document = ?, updated_at = ? WHERE name = ?",
                               arguments: [document, now.timeIntervalSince1970, name])
            } else {
                try db.execute(sql: "INSERT INTO policies (name, document, created_at, updated_at) VALUES (?, ?, ?, ?)",
                               arguments: [name, document, now.timeIntervalSince1970, now.timeIntervalSince1970])
            }
            try Self.bump(db)
            return !exists
        }
    }

    public func policy(named name: String) async throws -> StoredPolicy? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM policies WHERE name = ?", arguments: [name]) else { return nil }
            return try Self.policy(row, attachedTo: Self.attachments(db, policy: name))
        }
    }

    public func policies() async throws -> [StoredPolicy] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM policies ORDER BY name").map { row in
                try Self.policy(row, attachedTo: Self.attachments(db, policy: row["name"]))
            }
        }
    }

    public func deletePolicy(named name: String) async throws {
        try await writer.write { db in
            let holders = try Self.attachments(db, policy: name)
            if !holders.isEmpty {
                throw StoreError("policy \(name) is attached to \(holders.map(\.description).joined(separator: ", ")); detach it first")
            }
            try db.execute(sql: "DELETE FROM policies WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw StoreError("no policy named \(name)") }
            try Self.bump(db)
        }
    }

    static func policy(_ row: Row, attachedTo: [PrincipalID]) -> StoredPolicy {
        StoredPolicy(name: row["name"], document: row["document"],
                     createdAt: Date(timeIntervalSince1970: row["created_at"]),
                     updatedAt: Date(timeIntervalSince1970: row["updated_at"]), attachedTo: attachedTo)
    }

    static func attachments(_ db: Database, policy: String) throws -> [PrincipalID] {
        try Row.fetchAll(db, sql: """
            SELECT principal_kind, principal_name FROM policy_attachments WHERE policy_name = ?
            ORDER BY principal_kind, principal_name
            """, arguments: [policy]).compactMap { row in
            PrincipalID.Kind(rawValue: row["principal_kind"]).map { PrincipalID($0, row["principal_name"]) }
        }
    }

    // MARK: groups and roles

    public func createGroup(_ name: String, now: Date) async throws {
        try await writer.write { db in
            if try Self.exists(db, .group(name)) { throw StoreError("group \(name) already exists") }
            try db.execute(sql: "INSERT INTO policy_groups (name, created_at) VALUES (?, ?)",
                           arguments: [name, now.timeIntervalSince1970])
            try Self.bump(db)
        }
    }

    public func addUser(_ user: String, toGroup group: String) async throws {
        try await writer.write { db in
            try Self.require(db, .group(group))
            try Self.require(db, .user(user))
            try db.execute(sql: "INSERT OR IGNORE INTO policy_group_members (group_name, user_name) VALUES (?, ?)",
                           arguments: [group, user])
            try Self.bump(db)
        }
    }

    public func removeUser(_ user: String, fromGroup group: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM policy_group_members WHERE group_name = ? AND user_name = ?",
                           arguments: [group, user])
            guard db.changesCount == 1 else { throw StoreError("user \(user) is not in group \(group)") }
            try Self.bump(db)
        }
    }

    public func createRole(_ role: RoleRecord) async throws {
        try await writer.write { db in
            if try Self.exists(db, .role(role.name)) { throw StoreError("role \(role.name) already exists") }
            try db.execute(sql: "INSERT INTO policy_roles (name, trust, max_session_seconds, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [role.name, role.trust, role.maxSessionSeconds, role.createdAt.timeIntervalSince1970])
            try Self.bump(db)
        }
    }

    public func role(named name: String) async throws -> RoleRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM policy_roles WHERE name = ?", arguments: [name]).map { row in
                RoleRecord(name: row["name"], trust: row["trust"], maxSessionSeconds: row["max_session_seconds"],
                           createdAt: Date(timeIntervalSince1970: row["created_at"]))
            }
        }
    }

    // MARK: attachments and tags

    public func attach(policy: String, to principal: PrincipalID) async throws {
        try await writer.write { db in
            try Self.require(db, principal)
            if !BuiltinPolicies.isBuiltin(policy),
               try Bool.fetchOne(db, sql: "SELECT 1 FROM policies WHERE name = ?", arguments: [policy]) != true {
                throw StoreError("no policy named \(policy); create it with `gangwayd admin policy put \(policy) --file FILE` (built-ins: AdministratorAccess, ReadOnlyAccess)")
            }
            try db.execute(sql: """
                INSERT OR IGNORE INTO policy_attachments (principal_kind, principal_name, policy_name) VALUES (?, ?, ?)
                """, arguments: [principal.kind.rawValue, principal.name, policy])
            try Self.bump(db)
        }
    }

    public func detach(policy: String, from principal: PrincipalID) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                DELETE FROM policy_attachments WHERE principal_kind = ? AND principal_name = ? AND policy_name = ?
                """, arguments: [principal.kind.rawValue, principal.name, policy])
            guard db.changesCount == 1 else { throw StoreError("policy \(policy) is not attached to \(principal)") }
            try Self.bump(db)
        }
    }

    public func setTag(_ key: String, value: String?, on principal: PrincipalID) async throws {
        try await writer.write { db in
            try Self.require(db, principal)
            if let value {
                try db.execute(sql: """
                    INSERT INTO principal_tags (principal_kind, principal_name, tag_key, tag_value) VALUES (?, ?, ?, ?)
                    ON CONFLICT(principal_kind, principal_name, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                    """, arguments: [principal.kind.rawValue, principal.name, key, value])
            } else {
                try db.execute(sql: "DELETE FROM principal_tags WHERE principal_kind = ? AND principal_name = ? AND tag_key = ?",
                               arguments: [principal.kind.rawValue, principal.name, key])
            }
            try Self.bump(db)
        }
    }

    // MARK: revocation

    public func revoke(principal: String, reason: String, now: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "UPDATE access_keys SET active = 0 WHERE principal = ? AND active = 1", arguments: [principal])
            // Temporary credentials too: the role session's own, a role's sessions, sessions of this IdP subject.
            let disabled = db.changesCount + (try SQLiteTemporaryCredentialStore.revoke(db, principal: principal, reason: reason, now: now))
            try db.execute(sql: """
                INSERT INTO revocations (principal, revoked_at, reason) VALUES (?, ?, ?)
                ON CONFLICT(principal) DO UPDATE SET revoked_at = excluded.revoked_at, reason = excluded.reason
                """, arguments: [principal, now.timeIntervalSince1970, reason])
            try Self.bump(db)
            return disabled
        }
    }

    public func revocations() async throws -> [String: RevocationRecord] {
        try await writer.read { db in
            var out: [String: RevocationRecord] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM revocations") {
                let r = RevocationRecord(principal: row["principal"], revokedAt: Date(timeIntervalSince1970: row["revoked_at"]),
                                         reason: row["reason"])
                out[r.principal] = r
            }
            return out
        }
    }

    // MARK: snapshot

    public func revision() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT revision FROM policy_revision WHERE id = 1") ?? 0 }
    }

    public func directory() async throws -> PolicyDirectory {
        let rows = try await writer.read { db in try Self.loadDirectoryRows(db) }
        var dir = PolicyDirectory()
        for (name, text) in rows.policies {
            do {
                dir.policies[name] = try PolicyDocument(parsing: text)
            } catch {
                throw StoreError("stored policy \(name) no longer parses (\(error)); fix it with `gangwayd admin policy put \(name) --file FILE`")
            }
        }
        for user in rows.users { dir.users[user] = PolicyDirectory.User() }
        for group in rows.groups { dir.groups[group] = PolicyDirectory.Group() }
        for role in rows.roles { dir.roles[role] = PolicyDirectory.Role() }
        for (group, user) in rows.members { dir.users[user, default: .init()].groups.insert(group) }
        for (kind, name, policy) in rows.attachments {
            switch kind {
            case .user: dir.users[name, default: .init()].policies.insert(policy)
            case .group: dir.groups[name, default: .init()].policies.insert(policy)
            case .role: dir.roles[name, default: .init()].policies.insert(policy)
            }
        }
        for (kind, name, key, value) in rows.tags {
            switch kind {
            case .user: dir.users[name, default: .init()].tags[key] = value
            case .role: dir.roles[name, default: .init()].tags[key] = value
            case .group: break
            }
        }
        return dir
    }

    struct DirectoryRows: Sendable {
        var policies: [(String, String)] = []
        var users: [String] = []
        var groups: [String] = []
        var roles: [String] = []
        var members: [(String, String)] = []
        var attachments: [(PrincipalID.Kind, String, String)] = []
        var tags: [(PrincipalID.Kind, String, String, String)] = []
    }

    static func loadDirectoryRows(_ db: Database) throws -> DirectoryRows {
        var r = DirectoryRows()
        r.policies = try Row.fetchAll(db, sql: "SELECT name, document FROM policies").map { ($0["name"], $0["document"]) }
        r.users = try String.fetchAll(db, sql: "SELECT name FROM users")
        r.groups = try String.fetchAll(db, sql: "SELECT name FROM policy_groups")
        r.roles = try String.fetchAll(db, sql: "SELECT name FROM policy_roles")
        r.members = try Row.fetchAll(db, sql: "SELECT group_name, user_name FROM policy_group_members")
            .map { ($0["group_name"], $0["user_name"]) }
        r.attachments = try Row.fetchAll(db, sql: "SELECT * FROM policy_attachments").compactMap { row in
            PrincipalID.Kind(rawValue: row["principal_kind"]).map { ($0, row["principal_name"], row["policy_name"]) }
        }
        r.tags = try Row.fetchAll(db, sql: "SELECT * FROM principal_tags").compactMap { row in
            PrincipalID.Kind(rawValue: row["principal_kind"]).map { ($0, row["principal_name"], row["tag_key"], row["tag_value"]) }
        }
        return r
    }

    // MARK: helpers

    static func bump(_ db: Database) throws {
        try db.execute(sql: "UPDATE policy_revision SET revision = revision + 1 WHERE id = 1")
    }

    static func exists(_ db: Database, _ p: PrincipalID) throws -> Bool {
        let table = switch p.kind {
        case .user: "users"
        case .group: "policy_groups"
        case .role: "policy_roles"
        }
        return try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE name = ?", arguments: [p.name]) == true
    }

    static func require(_ db: Database, _ p: PrincipalID) throws {
        guard try exists(db, p) else {
            let hint = switch p.kind {
            case .user: "create it with `gangwayd admin user create \(p.name)`"
            case .group: "create it with `gangwayd admin group create \(p.name)`"
            case .role: "create it with `gangwayd admin role create \(p.name)`"
            }
            throw StoreError("no \(p.kind.rawValue) named \(p.name); \(hint)")
        }
    }
}
