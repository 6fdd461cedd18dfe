import Foundation
import GRDB

/// The OIDC providers gangwayd trusts (`gangwayd admin oidc add|list|remove`).
public protocol OIDCProviderStore: Sendable {
    /// Inserts or replaces the provider called `provider.name`. Returns true when it was created.
    @discardableResult
    func putProvider(_ provider: OIDCProviderConfig, now: Date) async throws -> Bool
    func providers() async throws -> [OIDCProviderConfig]
    func deleteProvider(named name: String) async throws
}

extension SQLiteTemporaryCredentialStore: OIDCProviderStore {
    public func putProvider(_ p: OIDCProviderConfig, now: Date) async throws -> Bool {
        do { try p.validate() } catch { throw StoreError("\(error)") }
        return try await writer.write { db in
            if let other = try String.fetchOne(db, sql: "SELECT name FROM oidc_providers WHERE issuer = ? AND name != ?",
                                               arguments: [p.issuer, p.name]) {
                throw StoreError("issuer \(p.issuer) is already configured as provider \(other); remove it first or use that name")
            }
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM oidc_providers WHERE name = ?", arguments: [p.name]) == true
            try db.execute(sql: """
                INSERT INTO oidc_providers (name, issuer, audiences, jwks_file, jwks_url, leeway, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET issuer = excluded.issuer, audiences = excluded.audiences,
                    jwks_file = excluded.jwks_file, jwks_url = excluded.jwks_url, leeway = excluded.leeway
                """, arguments: [p.name, p.issuer, p.audiences.joined(separator: "\n"), p.jwksFile, p.jwksURL, p.leeway,
                                 now.timeIntervalSince1970])
            return !exists
        }
    }

    public func providers() async throws -> [OIDCProviderConfig] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM oidc_providers ORDER BY name").map { row in
                let audiences: String = row["audiences"]
                return OIDCProviderConfig(name: row["name"], issuer: row["issuer"],
                                          audiences: audiences.split(separator: "\n").map(String.init),
                                          jwksFile: row["jwks_file"], jwksURL: row["jwks_url"], leeway: row["leeway"])
            }
        }
    }

    public func deleteProvider(named name: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM oidc_providers WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw StoreError("no OIDC provider named \(name); `gangwayd admin oidc list` shows them") }
        }
    }
}
