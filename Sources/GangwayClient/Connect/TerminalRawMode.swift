import CPosixShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Puts a terminal in raw mode and guarantees it is restored: by `restore()` and at process exit. Signals are the
/// caller's (`ConnectTerminal` ends the session, then restores and leaves).
/// Only one terminal per process is managed (the one `gangway connect` runs in).
public final class TerminalRawMode: @unchecked Sendable {
    // @unchecked: `saved`/`active` are guarded by `lock`.
    private let fd: Int32
    private let lock = NSLock()
    private var saved = termios()
    private var active = false

    /// The instance whose terminal `atexit` restores.
    nonisolated(unsafe) private static var current: TerminalRawMode?
    // nonisolated(unsafe): written only on the main path before/after a session, read by the atexit hook.

    public init(fd: Int32 = STDIN_FILENO) { self.fd = fd }

    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Current window size of the terminal on `fd`, or nil when it is not a terminal.
    public static func windowSize(fd: Int32 = STDOUT_FILENO) -> (cols: Int, rows: Int)? {
        var rows: UInt16 = 0, cols: UInt16 = 0
        guard gw_pty_get_size(fd, &rows, &cols) == 0, rows > 0, cols > 0 else { return nil }
        return (Int(cols), Int(rows))
    }

    /// Switches to raw mode (no echo, no line editing, no signals from keys, no output processing).
    public func enable() throws {
        lock.lock()
        defer { lock.unlock() }
        guard !active else { return }
        guard tcgetattr(fd, &saved) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ENOTTY)
        }
        var raw = saved
        cfmakeraw(&raw)
        guard tcsetattr(fd, TCSAFLUSH, &raw) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ENOTTY)
        }
        active = true
        if Self.current == nil {
            Self.current = self
            atexit { TerminalRawMode.current?.restore() }
        }
    }

    /// Puts the saved settings back. Idempotent; safe from any thread.
    public func restore() {
        lock.lock()
        defer { lock.unlock() }
        guard active else { return }
        active = false
        _ = tcsetattr(fd, TCSAFLUSH, &saved)
    }

    deinit { restore() }
}
