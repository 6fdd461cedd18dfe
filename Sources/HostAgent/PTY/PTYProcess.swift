import CPosixShim
import Dispatch
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A program running on a pseudo-terminal that this process holds the master side of.
/// Output is read on an NIO event loop (`PTYOutputReader`); writes are non-blocking and, in the rare case the
/// terminal's input queue is full, wait on a Dispatch source. The exit status is collected by a dedicated waiter
/// thread so no zombie is left behind.
public final class PTYProcess: Sendable {
    public let pid: pid_t
    /// The PTY master (non-blocking, close-on-exec). Closed by `closeMaster()`.
    public let masterFD: Int32
    let output: PTYOutputReader
    let writable: FDReadiness
    let exit: ExitStatusBox
    let masterClosed = AtomicFlag()

    /// Most bytes one `read()` returns: large, so throughput is bounded by the PTY, not by per-frame overhead.
    public static let readChunk = 64 * 1024
    static let ioQueue = DispatchQueue(label: "gangway.pty", qos: .userInitiated, attributes: .concurrent)

    init(pid: pid_t, masterFD: Int32, eventLoop: (any EventLoop)? = nil) {
        self.pid = pid
        self.masterFD = masterFD
        // NIO owns (and closes) a duplicate: `masterFD` stays valid for writes and ioctls until closeMaster().
        output = PTYOutputReader(fd: fcntl(masterFD, F_DUPFD_CLOEXEC, 0), eventLoop: eventLoop)
        writable = FDReadiness(writable: masterFD, queue: Self.ioQueue)
        exit = ExitStatusBox()
        let box = exit
        let thread = Thread {
            var status: Int32 = 0
            let rc = gw_wait_blocking(pid, &status)
            box.set(rc == 0 ? status : 255)
        }
        thread.name = "gangway-wait-\(pid)"
        thread.stackSize = 64 * 1024
        thread.start()
    }

    /// Opens a PTY and starts `spec` on it as a session leader with the slave as controlling terminal. The output is
    /// read on `eventLoop`: pass the loop of the socket the output goes to (`DataChannelConnection.eventLoop`), so
    /// reading and sending stay on one thread.
    public static func spawn(_ spec: PTYSpawnSpec, eventLoop: (any EventLoop)? = nil) throws -> PTYProcess {
        var argv: [UnsafeMutablePointer<CChar>?] = spec.arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = spec.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var master: Int32 = -1
        var pid: pid_t = 0
        let groups = spec.runAs?.supplementaryGroups ?? []
        let rc: Int32 = spec.path.withCString { path in
            (spec.workingDirectory ?? "/").withCString { cwd in
                groups.withUnsafeBufferPointer { groupBuffer in
                    argv.withUnsafeMutableBufferPointer { argvBuffer in
                        envp.withUnsafeMutableBufferPointer { envBuffer in
                            var request = gw_pty_spawn_request()
                            request.path = path
                            request.argv = UnsafePointer(argvBuffer.baseAddress)
                            request.envp = UnsafePointer(envBuffer.baseAddress)
                            request.cwd = cwd
                            if let user = spec.runAs, user.uid != geteuid() || user.gid != getegid() {
                                request.change_identity = 1
                                request.uid = user.uid
                                request.gid = user.gid
                                request.groups = groupBuffer.baseAddress
                                request.ngroups = groupBuffer.count
                            }
                            request.rows = spec.rows
                            request.cols = spec.cols
                            return gw_pty_spawn(&request, &master, &pid)
                        }
                    }
                }
            }
        }
        guard rc == 0 else { throw HostAgentError.spawnFailed(spec.path, errno: rc) }
        return PTYProcess(pid: pid, masterFD: master, eventLoop: eventLoop)
    }

    /// Up to `maxBytes` (default 64 KiB) of the terminal's output: everything read so far, waiting only when
    /// nothing is there. Returns nil at the end (every slave descriptor closed, or the master was closed).
    public func read(maxBytes: Int = PTYProcess.readChunk) async -> [UInt8]? {
        await output.read(maxBytes: maxBytes)
    }

    /// Writes what the terminal's input queue takes now of `bytes`, without waiting: the number of bytes written (0
    /// when the queue is full: `waitUntilWritable()`), or nil if the terminal is gone.
    public func writeNow(_ bytes: ArraySlice<UInt8>) -> Int? {
        var offset = 0
        while offset < bytes.count {
            if masterClosed.isSet { return nil }
            let n = bytes.withUnsafeBytes { raw in Glibc.write(masterFD, raw.baseAddress! + offset, raw.count - offset) }
            if n > 0 { offset += n; continue }
            let err = gw_errno()
            if n < 0 && err == EINTR { continue }
            if n < 0 && (err == EAGAIN || err == EWOULDBLOCK) { return offset }
            return nil
        }
        return offset
    }

    /// Returns once the terminal's input queue has room again (or the terminal is closed).
    public func waitUntilWritable() async {
        if masterClosed.isSet { return }
        await writable.wait()
    }

    /// Writes all of `bytes` to the terminal's input, waiting while its input queue is full.
    /// Returns false if the terminal is gone.
    @discardableResult
    public func write(_ bytes: [UInt8]) async -> Bool {
        var rest = bytes[...]
        while !rest.isEmpty {
            guard let n = writeNow(rest) else { return false }
            rest = rest.dropFirst(n)
            if !rest.isEmpty { await waitUntilWritable() }
        }
        return true
    }

    /// TIOCSWINSZ; the kernel sends SIGWINCH to the foreground process group.
    public func resize(cols: UInt16, rows: UInt16) {
        guard !masterClosed.isSet, cols > 0, rows > 0 else { return }
        _ = gw_pty_set_size(masterFD, rows, cols)
    }

    /// The current window size (rows, cols).
    public var size: (rows: UInt16, cols: UInt16)? {
        var rows: UInt16 = 0, cols: UInt16 = 0
        return gw_pty_get_size(masterFD, &rows, &cols) == 0 ? (rows, cols) : nil
    }

    /// The terminal's ECHO flag (off while a program reads a password). Nil if the terminal is gone.
    public var echoEnabled: Bool? {
        guard !masterClosed.isSet else { return nil }
        let r = gw_pty_echo_enabled(masterFD)
        return r < 0 ? nil : r == 1
    }

    /// Waits for the program to exit. Returns its exit status (128+N for a death by signal N).
    public func waitForExit() async -> Int32 { await exit.value() }

    /// The exit status if the program has exited.
    public var exitStatus: Int32? { exit.peek() }

    /// Ends the whole terminal session: SIGHUP to the process group and every process of the session, then
    /// SIGKILL to whatever is left after `grace`. Returns once the leader has been reaped.
    public func terminate(grace: Duration = .milliseconds(500)) async {
        SessionSignaller.signalSession(pid, signal: SIGHUP)
        SessionSignaller.signalSession(pid, signal: SIGCONT)
        let reaped = await exit.value(timeout: grace)
        SessionSignaller.signalSession(pid, signal: SIGKILL)
        if reaped == nil { _ = await exit.value() }
    }

    /// Closes the master side (the session's processes get SIGHUP/EIO). Idempotent.
    public func closeMaster() {
        guard masterClosed.setOnce() else { return }
        output.close()
        writable.cancel()
        Glibc.close(masterFD)
    }

    deinit { closeMaster() }
}
