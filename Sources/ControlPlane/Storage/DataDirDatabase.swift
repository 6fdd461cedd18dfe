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
        try keepPrivate(path)
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

    /// The database holds access keys' secrets: it is created 0600 (SQLite gives its -wal and -shm files the
    /// database file's mode), and an existing database, WAL or shared-memory file that other users could read is
    /// made 0600. Needed where the data directory was made by someone else (`mkdir`, a package) with mode 0755:
    /// SQLite's own default, 0644 under the usual umask, left every key's secret readable by any local user.
    ///
    /// Never opens an existing database file: closing any descriptor of a file drops every POSIX lock this process
    /// holds on it, SQLite's included (gangwayd opens several pools on the same file; doing so here broke them with
    /// "disk I/O error"). A missing file is created with O_EXCL (no connection of ours can have it open yet).
    static func keepPrivate(_ path: String) throws {
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)  // EEXIST: opens nothing
        if fd >= 0 {
            Foundation.close(fd)
        } else if errno != EEXIST {
            throw StoreError("cannot create database \(path): \(String(cString: strerror(errno))). Check the data directory exists and is writable.")
        }
        for file in [path, path + "-wal", path + "-shm"] {
            var st = stat()
            guard stat(file, &st) == 0, st.st_mode & 0o077 != 0 else { continue }
            guard chmod(file, 0o600) == 0 else {
                throw StoreError("\(file) is readable by other users (mode \(String(st.st_mode & 0o777, radix: 8))) and cannot be made 0600: \(String(cString: strerror(errno)))")
            }
        }
    }
}
