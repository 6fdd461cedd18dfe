import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Where a full-screen program's log lines go: a file of its own, never the terminal it draws on (a line written to
/// stderr under ncurses scrolls the screen and leaves the console's idea of it wrong until the next full redraw).
///
/// The file is created 0600 (a log line may name hosts, sessions and principals), appended to with `O_APPEND` (two
/// consoles may share it), and moved aside to `PATH.1` when it has grown past `rotateBytes` at open.
public final class LogFile: Sendable {
    public let path: String
    private let fd: Int32

    /// Past this size at open, the file becomes `PATH.1` (replacing an older one) and a new one starts.
    public static let rotateBytes = 8 << 20

    /// `~/.local/state/gangway/console.log`, or under `$XDG_STATE_HOME` when set.
    public static func defaultConsolePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let state: String
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            state = xdg
        } else if let home = environment["HOME"], !home.isEmpty {
            state = home + "/.local/state"
        } else {
            return nil
        }
        return state + "/gangway/console.log"
    }

    /// Opens (creating its directory, 0700, and the file, 0600) the log file at `path`.
    public init(path: String) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        var st = stat()
        if stat(path, &st) == 0, Int(st.st_size) > Self.rotateBytes {
            _ = rename(path, path + ".1")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [
                NSLocalizedDescriptionKey: "cannot open log file \(path): \(String(cString: strerror(errno)))",
            ])
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends one line (a single write, so lines from two threads or two processes do not interleave).
    public func append(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
    }

    /// A swift-log handler writing to this file: `TIME LEVEL LABEL: message key=value…`.
    public func handler(label: String, level: Logger.Level) -> some LogHandler {
        LogFileHandler(file: self, label: label, logLevel: level)
    }
}

/// `LogFile.handler(label:level:)`.
struct LogFileHandler: LogHandler {
    let file: LogFile
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        var text = "\(Self.timestamp()) \(event.level) \(label): \(event.message)"
        for (key, value) in all.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        // One record per line: a message's own line breaks would make a second record out of its tail.
        file.append(text.replacingOccurrences(of: "\n", with: "\\n"))
    }

    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var t = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec),
                      Int(now.tv_nsec / 1_000_000))
    }
}
