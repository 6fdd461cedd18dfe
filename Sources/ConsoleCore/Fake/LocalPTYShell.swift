import CPosixShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A ShellChannel backed by a real local PTY running /bin/sh: used by `FakeFleetSource` for UI tests, benches
/// and `gangway console --fake-fleet`. Output is read on a dedicated thread (blocking reads) and yielded to `output`.
public final class LocalPTYShell: ShellChannel {
    public let sessionId: String
    public let output: AsyncStream<ShellEvent>
    private let master: Int32
    private let pid: pid_t
    private let state = Mutex(false)   // closed
    private let onClose: @Sendable (String) -> Void
    /// Output read but not yet taken by the pane: the reader thread stops reading the PTY past 1 MiB.
    private let gate = ShellOutputGate()

    /// Spawns `argv` (default: an interactive /bin/sh with PS1 "`prompt`$ ") on a new PTY of the given size.
    public init(sessionId: String, prompt: String, cols: Int, rows: Int, argv: [String]? = nil,
                onClose: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.sessionId = sessionId
        self.onClose = onClose
        let args = argv ?? ["/bin/sh", "-i"]
        var env = ["TERM=xterm-256color", "PS1=\(prompt)$ ", "HOME=\(NSTemporaryDirectory())", "PATH=/usr/local/bin:/usr/bin:/bin",
                   "LANG=C.UTF-8", "ENV="]
        if let shell = ProcessInfo.processInfo.environment["GANGWAY_FAKE_SHELL_ENV"] { env.append(shell) }
        var fd: Int32 = -1
        var child: pid_t = 0
        let err: Int32 = withCStrings(args) { argvp in
            withCStrings(env) { envp in
                args[0].withCString { path in
                    "/tmp".withCString { cwd in
                        var req = gw_pty_spawn_request()
                        req.path = path
                        req.argv = argvp
                        req.envp = envp
                        req.cwd = cwd
                        req.change_identity = 0
                        req.rows = UInt16(clamping: rows)
                        req.cols = UInt16(clamping: cols)
                        return gw_pty_spawn(&req, &fd, &child)
                    }
                }
            }
        }
        guard err == 0 else {
            throw FakeFleetError("could not start a local shell \(args[0]): \(String(cString: strerror(err)))")
        }
        master = fd
        pid = child
        // Blocking reads on our own thread: clear O_NONBLOCK set by the shim.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let (events, continuation) = AsyncStream.makeStream(of: ShellEvent.self, bufferingPolicy: .unbounded)
        output = gate.reading(events)
        let gate = self.gate
        let readerPid = child
        let readerFd = fd
        let thread = Thread {
            var buf = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buf.withUnsafeMutableBytes { read(readerFd, $0.baseAddress, $0.count) }
                if n > 0 {
                    continuation.yield(.data(Array(buf[0..<n])))
                    gate.producedBlocking(n)
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            var status: Int32 = 0
            let code: Int32? = gw_wait_blocking(readerPid, &status) == 0 ? status : nil
            _ = Glibc.close(readerFd)
            continuation.yield(.exited(code: code, message: code.map { "shell exited with status \($0)" }))
            continuation.finish()
        }
        thread.name = "pty-\(sessionId)"
        thread.start()
    }

    public func send(_ bytes: [UInt8]) async {
        guard !state.withLock({ $0 }) else { return }
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n > 0 { off += n } else if n < 0 && errno == EINTR { continue } else { break }
        }
    }

    public func resize(cols: Int, rows: Int) async {
        guard !state.withLock({ $0 }) else { return }
        _ = gw_pty_set_size(master, UInt16(clamping: rows), UInt16(clamping: cols))
    }

    /// Ends the shell (SIGHUP, like a terminated session); the reader thread reaps it and finishes `output`.
    public func close() async {
        let first = state.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        gate.open()  // a reader thread waiting for the pane goes on, reads the end of the terminal and reaps the shell
        kill(pid, SIGHUP)
        kill(pid, SIGCONT)
        onClose(sessionId)
    }
}

/// A tiny lock around a value (Synchronization.Mutex needs macOS 15; this works everywhere we build).
final class Mutex<Value>: @unchecked Sendable {
    // Safe: `value` is only touched while `lock` is held.
    private var value: Value
    private let lock = NSLock()
    init(_ v: Value) { value = v }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    ptrs.append(nil)
    defer { for p in ptrs { free(p) } }
    return ptrs.withUnsafeBufferPointer { body($0.baseAddress!) }
}

public struct FakeFleetError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
