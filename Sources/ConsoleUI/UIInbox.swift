import ConsoleCore
import Foundation
import Recording
import TerminalModel
#if canImport(Glibc)
import Glibc
#endif

/// Hands work from async tasks (refreshes, shell output) to the UI thread, and wakes it through a self-pipe.
/// Shell output is buffered per pane with back-pressure: a producer waits while its pane holds more than
/// `highWater` bytes, so a flood (`yes`) is throttled at the PTY instead of growing memory.
final class UIInbox: @unchecked Sendable {
    // Safe: every stored property is only touched while `lock` is held (the pipe fds are immutable).
    enum Event {
        case fleet([InstanceRow])
        case fleetFailed(String)
        case sessions([SessionRow], history: Bool)
        /// The newest audit events (a refresh).
        case audit(AuditPage)
        /// The page below `token` (`AuditModel.olderToken` when it was asked for), or why it failed.
        case auditOlder(AuditPage, token: String)
        case auditOlderFailed(String)
        case shellOpened(PaneID, any ShellChannel)
        case shellFailed(PaneID, String)
        case paneExited(PaneID, String)
        case message(String, isError: Bool)
        case replayLoaded(PaneID, RecordedSession)
        case replayFailed(PaneID, String)
    }

    private let lock = NSLock()
    private var events: [Event] = []
    private var output: [PaneID: [UInt8]] = [:]
    private var waiters: [PaneID: [CheckedContinuation<Void, Never>]] = [:]
    private var closed = false
    let highWater = 1 << 20
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        _ = fcntl(readFD, F_SETFL, O_NONBLOCK)
        _ = fcntl(writeFD, F_SETFL, O_NONBLOCK)
    }

    deinit {
        Glibc.close(readFD)
        Glibc.close(writeFD)
    }

    func wake() {
        var b: UInt8 = 1
        _ = Glibc.write(writeFD, &b, 1)
    }

    func drainWakeups() {
        var buf = [UInt8](repeating: 0, count: 256)
        while Glibc.read(readFD, &buf, 256) > 0 {}
    }

    func post(_ e: Event) {
        lock.lock()
        events.append(e)
        lock.unlock()
        wake()
    }

    func takeEvents() -> [Event] {
        lock.lock()
        defer { lock.unlock() }
        let e = events
        events.removeAll()
        return e
    }

    func appendOutput(_ pane: PaneID, _ bytes: [UInt8]) async {
        while !tryAppend(pane, bytes) {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                if !parkUnlessRoom(pane, c) { c.resume() }
            }
        }
        wake()
    }

    private func tryAppend(_ pane: PaneID, _ bytes: [UInt8]) -> Bool {
        lock.withLock {
            guard closed || (output[pane]?.count ?? 0) < highWater else { return false }
            output[pane, default: []] += bytes
            return true
        }
    }

    /// Parks the continuation while the pane is over the high-water mark; false when there is room already.
    private func parkUnlessRoom(_ pane: PaneID, _ c: CheckedContinuation<Void, Never>) -> Bool {
        lock.withLock {
            guard !closed, (output[pane]?.count ?? 0) >= highWater else { return false }
            waiters[pane, default: []].append(c)
            return true
        }
    }

    var hasOutput: Bool {
        lock.lock()
        defer { lock.unlock() }
        return output.values.contains { !$0.isEmpty }
    }

    /// Takes up to `max` bytes of a pane's output and lets waiting producers continue.
    func takeOutput(_ pane: PaneID, max: Int) -> [UInt8] {
        consume(pane, orElse: []) { buf in
            let n = min(max, buf.count)
            let chunk = Array(buf[0..<n])
            buf.removeFirst(n)
            return (chunk, n > 0)
        }
    }

    /// Runs `body` on a pane's waiting output in place (under the lock; nothing waiting: `empty`), then, if `body`
    /// says it consumed some and the output is back under the high-water mark, lets the producers parked on the pane
    /// continue.
    private func consume<R>(_ pane: PaneID, orElse empty: R,
                            _ body: (inout [UInt8]) -> (result: R, consumed: Bool)) -> R {
        lock.lock()
        guard output[pane]?.isEmpty == false else { lock.unlock(); return empty }
        let (result, consumed) = body(&output[pane]!)
        let resume = consumed && output[pane]!.count < highWater ? (waiters.removeValue(forKey: pane) ?? []) : []
        lock.unlock()
        for c in resume { c.resume() }
        return result
    }

    /// Bytes of a pane's output waiting to be drawn.
    func pendingBytes(_ pane: PaneID) -> Int {
        lock.withLock { output[pane]?.count ?? 0 }
    }

    /// Replaces the start of a pane's waiting output that `skip` (given all of it) says need not be drawn, lets
    /// waiting producers continue, and returns how many bytes were left out.
    func dropSkippable(_ pane: PaneID, _ skip: (UnsafeBufferPointer<UInt8>) -> FloodSkip.Skip) -> Int {
        consume(pane, orElse: 0) { buf in
            let s = buf.withUnsafeBufferPointer(skip)
            let n = min(buf.count, max(0, s.count))
            if n > 0 { buf.replaceSubrange(0..<n, with: s.replacement) }
            return (n, n > 0)
        }
    }

    func dropPane(_ pane: PaneID) {
        lock.lock()
        output[pane] = nil
        let resume = waiters.removeValue(forKey: pane) ?? []
        lock.unlock()
        for c in resume { c.resume() }
    }

    /// Releases every waiting producer (on quit).
    func close() {
        lock.lock()
        closed = true
        let all = waiters.values.flatMap { $0 }
        waiters.removeAll()
        lock.unlock()
        for c in all { c.resume() }
    }
}
