import ControlPlane
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The database holds every access key's secret: no other local user may read it, whoever made the data directory.
@Suite("gangwayd's database files are private")
struct DataDirPermissionTests {
    private func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o777 : nil
    }

    @Test("in a data directory made 0755 by someone else, the database and its WAL are 0600")
    func newDatabaseIsPrivate() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(dataDir: dir)
        try await store.createUser("alice")
        let key = try await store.createAccessKey(user: "alice")
        let db = dir.appendingPathComponent("gangway.sqlite").path
        #expect(mode(db) == 0o600)
        #expect(mode(db + "-wal") == 0o600, "WAL mode \(String(mode(db + "-wal") ?? 0, radix: 8))")
        // What the file protects: the secret is in it.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: db)) + ((try? Data(contentsOf: URL(fileURLWithPath: db + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data(key.secretAccessKey.utf8)) != nil)
    }

    @Test("an existing database left readable by others is made 0600 when opened")
    func existingDatabaseIsTightened() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let store = try SQLiteStore(dataDir: dir)
            try await store.createUser("alice")
        }
        let db = dir.appendingPathComponent("gangway.sqlite").path
        chmod(db, 0o644)
        _ = try SQLiteStore(dataDir: dir)
        #expect(mode(db) == 0o600)
    }
}
