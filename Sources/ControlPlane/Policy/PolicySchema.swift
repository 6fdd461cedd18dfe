import GRDB

/// Tables for policies, groups, roles, attachments and principal tags; append new migrations here, never edit a
/// shipped one. `SQLitePolicyStore` applies them itself (GRDB skips applied ones and tolerates the core migrations it
/// does not know), so they also run when `SQLiteStore.migrator` registers them.
///
/// `users` belongs to the core schema; a user exists for policy purposes when it is in `users`.
/// `policy_revision` counts every change so `PolicyAuthorizer` can cache the parsed directory.
enum PolicySchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        registerMigrations(&m)
        return m
    }

    static func registerMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("policy-v1") { db in
            try db.execute(sql: """
                CREATE TABLE policies (
                    name TEXT PRIMARY KEY NOT NULL, document TEXT NOT NULL,
                    created_at DOUBLE NOT NULL, updated_at DOUBLE NOT NULL);
                CREATE TABLE policy_groups (name TEXT PRIMARY KEY NOT NULL, created_at DOUBLE NOT NULL);
                CREATE TABLE policy_group_members (
                    group_name TEXT NOT NULL REFERENCES policy_groups(name) ON DELETE CASCADE,
                    user_name TEXT NOT NULL,
                    PRIMARY KEY (group_name, user_name));
                CREATE TABLE policy_roles (
                    name TEXT PRIMARY KEY NOT NULL, trust TEXT NOT NULL DEFAULT '{}',
                    max_session_seconds INTEGER NOT NULL DEFAULT 3600, created_at DOUBLE NOT NULL);
                CREATE TABLE policy_attachments (
                    principal_kind TEXT NOT NULL, principal_name TEXT NOT NULL, policy_name TEXT NOT NULL,
                    PRIMARY KEY (principal_kind, principal_name, policy_name));
                CREATE INDEX policy_attachments_policy ON policy_attachments(policy_name);
                CREATE TABLE principal_tags (
                    principal_kind TEXT NOT NULL, principal_name TEXT NOT NULL, tag_key TEXT NOT NULL,
                    tag_value TEXT NOT NULL, PRIMARY KEY (principal_kind, principal_name, tag_key));
                CREATE TABLE policy_revision (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL);
                INSERT INTO policy_revision (id, revision) VALUES (1, 0);
                """)
        }
        m.registerMigration("policy-v2-revocations") { db in
            try db.execute(sql: """
                CREATE TABLE revocations (
                    principal TEXT PRIMARY KEY NOT NULL, revoked_at DOUBLE NOT NULL, reason TEXT NOT NULL);
                """)
        }
        // Revocations and reinstatements made by `gangwayd admin` (a separate process that cannot append to the
        // server's hash-chained audit log): the server's maintenance pass audits pending rows and marks them.
        m.registerMigration("policy-v3-admin-actions") { db in
            try db.execute(sql: """
                CREATE TABLE policy_admin_actions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, at DOUBLE NOT NULL, action TEXT NOT NULL,
                    principal TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL,
                    audited INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX policy_admin_actions_pending ON policy_admin_actions(id) WHERE audited = 0;
                """)
        }
    }
}
