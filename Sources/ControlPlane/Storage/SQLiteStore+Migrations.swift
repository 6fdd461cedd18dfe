import GRDB

extension SQLiteStore {
    /// Versioned schema. Append a new `registerMigration` for every change; never edit a shipped one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE users (name TEXT PRIMARY KEY NOT NULL, created_at DOUBLE NOT NULL);
                CREATE TABLE access_keys (
                    access_key_id TEXT PRIMARY KEY NOT NULL, secret TEXT NOT NULL, principal TEXT NOT NULL,
                    kind TEXT NOT NULL, created_at DOUBLE NOT NULL, active INTEGER NOT NULL DEFAULT 1);
                CREATE INDEX access_keys_principal ON access_keys(principal);
                CREATE TABLE registration_tokens (
                    token_hash TEXT PRIMARY KEY NOT NULL, uses_left INTEGER NOT NULL, expires_at DOUBLE NOT NULL,
                    created_at DOUBLE NOT NULL);
                CREATE TABLE agents (
                    instance_id TEXT PRIMARY KEY NOT NULL, computer_name TEXT NOT NULL, platform_type TEXT NOT NULL,
                    platform_name TEXT NOT NULL, platform_version TEXT NOT NULL, ip_address TEXT NOT NULL,
                    agent_version TEXT NOT NULL, labels TEXT NOT NULL, registered_at DOUBLE NOT NULL,
                    last_ping_at DOUBLE);
                CREATE TABLE sessions (
                    session_id TEXT PRIMARY KEY NOT NULL, target TEXT NOT NULL, owner TEXT NOT NULL,
                    status TEXT NOT NULL, document_name TEXT NOT NULL, reason TEXT, details TEXT,
                    start_date DOUBLE NOT NULL, end_date DOUBLE, max_session_duration TEXT NOT NULL);
                CREATE INDEX sessions_status ON sessions(status, start_date);
                """)
        }
        return m
    }
}
