import Foundation

/// Naming and listing of segment files (`segment-000001.jsonl` …) in an audit directory.
public enum AuditSegments {
    public static func name(_ number: Int) -> String {
        let digits = String(number)
        return "segment-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".jsonl"
    }

    public static func number(_ name: String) -> Int? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".jsonl") else { return nil }
        return Int(name.dropFirst(8).dropLast(6))
    }

    /// Segment numbers present in `directory`, ascending.
    public static func list(_ directory: URL) throws -> [Int] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).compactMap(number).sorted()
    }

    /// Reads a whole file into memory with plain read(2) calls.
    public static func readAll(_ url: URL) throws -> [UInt8] {
        let fd = Foundation.open(url.path, O_RDONLY)
        guard fd >= 0 else { throw AuditStoreError.io("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw AuditStoreError.io("cannot stat \(url.path)") }
        let size = Int(st.st_size)
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        try out.withUnsafeMutableBytes { buf in
            while done < size {
                let n = read(fd, buf.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw AuditStoreError.io("short read of \(url.path)") }
                done += n
            }
        }
        return out
    }
}

/// What went wrong in the store, worded for the operator.
public enum AuditStoreError: Error, CustomStringConvertible, Equatable {
    case io(String)
    case damagedTail(String)
    case closed
    /// A write failed and nothing of it was left on disk (a full disk, a file size limit, permissions): events are
    /// refused until a retry succeeds; the log resumes by itself.
    case unavailable(String)
    /// A sync failed: what was written may not be on disk, so the log takes no more events until restarted.
    case failed(String)

    public var description: String {
        switch self {
        case let .io(m): return "audit log I/O error: \(m)"
        case let .damagedTail(m): return "audit log is damaged: \(m). Run `gangway audit verify` on the directory; "
            + "move the damaged segment aside (keep it as evidence) to start a new chain"
        case .closed: return "audit log is closed"
        case let .unavailable(m): return "audit log cannot write (\(m)); events are refused until it can again "
            + "(retried at most once a second): free disk space or fix permissions"
        case let .failed(m): return "audit log stopped accepting events after a failed sync (\(m)): what was "
            + "written may not be on disk; restart gangwayd (it checks the log's tail when it opens it)"
        }
    }
}
