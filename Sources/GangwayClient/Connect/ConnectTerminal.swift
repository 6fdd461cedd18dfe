import ChannelIO
import ConsoleCore
import Dispatch
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The local half of `gangway connect`: raw tty, stdin → session (with `~.` escapes), session output →
/// stdout, SIGWINCH → resize. Returns the exit status to leave with.
public enum ConnectTerminal {
    /// Exit status after `~.` (as ssh).
    public static let escapeExitStatus: Int32 = 255
    /// The status when the session ended without the remote shell's exit status (gangwayd ended it).
    public static let endedWithoutExitStatus: Int32 = 255

    /// - Parameter output: the terminal's output, which the session was started with
    ///   (`SSMShellSession.start(directOutput:)`); opened here once the terminal is ready.
    public static func run(_ shell: SSMShellSession, output: TerminalOutput, inputFD: Int32 = STDIN_FILENO,
                           errorFD: Int32 = STDERR_FILENO) async -> Int32 {
        let interactive = TerminalRawMode.isTerminal(inputFD)
        let raw = TerminalRawMode(fd: inputFD)
        if interactive {
            do { try raw.enable() } catch { writeAll(errorFD, "gangway: cannot set the terminal to raw mode: \(error)\n") }
        }
        defer { raw.restore() }
        let nl = interactive ? "\r\n" : "\n"

        // Resize: a signal source, not polling.
        let winch = await SignalWaiter.registeredSource(SIGWINCH) {
            if let size = TerminalRawMode.windowSize(fd: output.fd) ?? TerminalRawMode.windowSize(fd: inputFD) {
                Task { await shell.resize(cols: size.cols, rows: size.rows) }
            }
        }
        defer { winch.cancel() }

        // SIGINT (Ctrl-C when stdin is not a raw tty), SIGTERM, SIGHUP, SIGQUIT: end the session on the server
        // (TerminateSession) before leaving, so it does not linger until the idle timeout; the terminal is restored
        // on the way out. A second signal while that runs restores the terminal and leaves at once.
        let interrupted = SignalFlag()
        // Each source is registered before going on: a signal in the first moments of the session is handled, not
        // ignored (the signal is SIG_IGN from the moment the source is made).
        var stops: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            stops.append(await SignalWaiter.registeredSource(sig) {
                guard interrupted.set(sig) else {
                    raw.restore()
                    _exit(128 + sig)
                }
                writeAll(errorFD, "\(nl)gangway: \(signalName(sig)) received; terminating session \(shell.sessionId)\(nl)")
                Task { await shell.terminate(message: nil) }
            })
        }
        defer { for source in stops { source.cancel() } }
        // Announced once the signal sources are registered: from this line on, a signal ends the session cleanly.
        writeAll(errorFD, "Starting session with SessionId: \(shell.sessionId)\(nl)")

        // Notices (resume progress) go to stderr, never into the remote screen's byte stream.
        let noticeTask = Task {
            for await line in shell.notices { writeAll(errorFD, "\(nl)[gangway] \(line)\(nl)") }
        }
        defer { noticeTask.cancel() }

        // Remote output held while the session was set up goes out now, after the line above.
        output.open()

        // Keystrokes: read on the data channel's event loop and written to the socket in that turn (a reader
        // thread for files and /dev/null); see KeystrokeInput.
        let escaped = EscapeFlag()
        let keystrokes = await KeystrokeInput.start(inputFD: inputFD, interactive: interactive, shell: shell,
                                                    output: output, escaped: escaped, errorFD: errorFD)
        defer { keystrokes.stop() }

        var status: Int32 = 0
        for await event in shell.output {
            switch event {
            case .data(let bytes):
                output.write(bytes)  // not expected: the session hands output and stderr to `output` itself
            case .exited(let code, let message):
                output.close()
                raw.restore()
                // After `~.` the session ends either way round (our TerminateSession's answer, or gangwayd's
                // channel_closed first, with its own text): the user reads the same line in both cases.
                let shown = escaped.isSet ? "Connection to \(shell.target) closed (~.)." : message
                if let shown, !shown.isEmpty { writeAll(errorFD, "\n\(shown)\n") }
                if let sig = interrupted.value {
                    status = 128 + sig
                } else {
                    // No exit status: the session ended without the remote shell exiting (terminated, timed
                    // out, failed, lost) — an error for a script, as ssh's 255 is.
                    status = escaped.isSet ? escapeExitStatus : (code ?? endedWithoutExitStatus)
                }
            }
        }
        return status
    }

    static func signalName(_ sig: Int32) -> String {
        switch sig {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        case SIGQUIT: return "SIGQUIT"
        default: return "signal \(sig)"
        }
    }

    static func writeAll(_ fd: Int32, _ text: String) { writeAll(fd, Array(text.utf8)) }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
    }
}

/// A set-once flag shared between the key reader and the output loop.
final class EscapeFlag: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// The first stop signal received, set once.
final class SignalFlag: @unchecked Sendable {
    // @unchecked: `signal` is guarded by `lock`.
    private let lock = NSLock()
    private var signal: Int32?
    /// Records `sig`; false if a signal was already recorded.
    func set(_ sig: Int32) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard signal == nil else { return false }
        signal = sig
        return true
    }
    var value: Int32? { lock.lock(); defer { lock.unlock() }; return signal }
}
