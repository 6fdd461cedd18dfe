import ChannelIO
import Synchronization

/// Keystrokes from the data channel to the shell's terminal: the session's `DataChannelConnection` hands each input
/// payload to `offer` on its event loop as the frame is read, and it is written to the PTY in that turn of the loop,
/// without a task hand-over per keystroke.
///
/// Nothing blocks the loop (other sessions share it): what the terminal's input queue cannot take now (a paste into
/// a program that does not read) waits here, in order, and is written as the queue drains; over `highWater` bytes
/// waiting, the connection stops reading its socket (`whenRoom`) and TCP pushes back to the client. Input that
/// arrives before the shell is spawned waits for `attach`.
///
/// @unchecked Sendable: everything mutable is in `state`, behind its lock (writes to the PTY happen under it too,
/// so bytes reach the terminal in the order they arrived whichever thread drains).
final class ShellInput: DataChannelSink, @unchecked Sendable {
    /// Bytes waiting for the terminal after which the socket is no longer read.
    static let highWater = 256 * 1024

    private struct State {
        var pty: PTYProcess?
        var pending: [UInt8] = []
        var pendingStart = 0
        var draining = false
        var closed = false
        var roomWaiters: [@Sendable () -> Void] = []
        var waiting: Int { pending.count - pendingStart }

        mutating func takeWaitersIfRoom() -> [@Sendable () -> Void] {
            guard closed || waiting < ShellInput.highWater, !roomWaiters.isEmpty else { return [] }
            defer { roomWaiters = [] }
            return roomWaiters
        }
    }

    private let state = Mutex(State())
    /// Runs after each offered write (on the loop, once the bytes are on their way to the terminal): the session's
    /// echo-flag check.
    private let afterOffer: @Sendable () -> Void

    init(afterOffer: @escaping @Sendable () -> Void = {}) {
        self.afterOffer = afterOffer
    }

    /// Bytes waiting for the terminal.
    var waitingBytes: Int { state.withLock { $0.waiting } }

    // MARK: DataChannelSink

    func write(_ bytes: [UInt8]) { _ = offer(bytes) }

    func offer(_ bytes: [UInt8]) -> Bool {
        defer { afterOffer() }
        let (room, drainFrom): (Bool, PTYProcess?) = state.withLock { s in
            if s.closed { return (true, nil) }
            var rest = bytes[...]
            if s.waiting == 0, !s.draining, let pty = s.pty {
                guard let n = pty.writeNow(rest) else {
                    s.closed = true  // the terminal is gone; the session is ending
                    return (true, nil)
                }
                rest = rest.dropFirst(n)
            }
            if rest.isEmpty { return (true, nil) }
            s.pending.append(contentsOf: rest)
            var start: PTYProcess? = nil
            if let pty = s.pty, !s.draining {
                s.draining = true
                start = pty
            }
            return (s.waiting < Self.highWater, start)
        }
        if let drainFrom { startDraining(drainFrom) }
        return room
    }

    func whenRoom(_ resume: @escaping @Sendable () -> Void) {
        let now: Bool = state.withLock { s in
            if s.closed || s.waiting < Self.highWater { return true }
            s.roomWaiters.append(resume)
            return false
        }
        if now { resume() }
    }

    // MARK: session

    /// The shell is running: from now on input goes to `pty`, starting with what waited for it.
    func attach(_ pty: PTYProcess) {
        let drain: Bool = state.withLock { s in
            guard !s.closed, s.pty == nil else { return false }
            s.pty = pty
            guard s.waiting > 0 else { return false }
            s.draining = true
            return true
        }
        if drain { startDraining(pty, waitFirst: false) }
    }

    /// Drops what waits and takes no more (the session is ending); wakes a paused socket.
    func close() {
        let waiters: [@Sendable () -> Void] = state.withLock { s in
            s.closed = true
            s.pending = []
            s.pendingStart = 0
            return s.takeWaitersIfRoom()
        }
        for w in waiters { w() }
    }

    /// Writes what waits as the terminal takes it; `draining` is set (by the caller) until everything is written.
    private func startDraining(_ pty: PTYProcess, waitFirst: Bool = true) {
        Task {
            var wait = waitFirst
            while true {
                if wait { await pty.waitUntilWritable() }
                wait = true
                let (done, waiters): (Bool, [@Sendable () -> Void]) = state.withLock { s in
                    if !s.closed, s.waiting > 0 {
                        if let n = pty.writeNow(s.pending[s.pendingStart...]) {
                            s.pendingStart += n
                            if s.pendingStart >= 64 * 1024 {
                                s.pending.removeFirst(s.pendingStart)
                                s.pendingStart = 0
                            }
                        } else {
                            s.closed = true
                        }
                    }
                    if s.closed || s.waiting == 0 {
                        s.pending = []
                        s.pendingStart = 0
                        s.draining = false
                    }
                    return (!s.draining, s.takeWaitersIfRoom())
                }
                for w in waiters { w() }
                if done { return }
            }
        }
    }
}
