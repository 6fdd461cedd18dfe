import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Signals every process of a terminal session: the leader's process group, and (because an interactive shell
/// puts each job in its own process group) every process whose session id is the leader's, found in /proc.
enum SessionSignaller {
    static func signalSession(_ leader: pid_t, signal: Int32) {
        _ = kill(-leader, signal)
        for pid in members(ofSession: leader) where pid != leader {
            _ = kill(pid, signal)
        }
    }

    /// Live (non-zombie) process ids whose session id (field 6 of /proc/PID/stat) is `sid`.
    static func members(ofSession sid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var result: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "comm)": state ppid pgrp session …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 3, fields[0] != "Z", let session = pid_t(fields[3]), session == sid { result.append(pid) }
        }
        return result
    }
}
