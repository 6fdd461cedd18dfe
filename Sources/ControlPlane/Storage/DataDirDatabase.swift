import Foundation
import GRDB

/// Opens `DATA_DIR/gangway.sqlite` (creating the directory 0700 and the file if needed) as a WAL `DatabasePool`
/// with a 5 s busy timeout and applies the given migrators in order. Every SQLite store of the control plane opens
/// its own pool through this (gangwayd and `gangwayd admin` share the file; SQLite serialises their writers).
enum DataDirDatabase {
    static func open(_ dataDir: URL, migrators: [DatabaseMigrator]) throws -> (pool: DatabasePool, path: String) {
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = dataDir.appendingPathComponent("gangway.sqlite").path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            for migrator in migrators { try migrator.migrate(pool) }
            return (pool, path)
        } catch {
            throw StoreError("cannot open database \(path): \(error). Check the data directory exists and is writable.")
        }
    }
}
