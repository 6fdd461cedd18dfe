import Foundation

/// Bounds the output a `ShellChannel` has produced but its reader (a console pane, `gangway connect`'s terminal
/// writer) has not taken: the producer waits while more than `limit` bytes are unread. A flood (`yes`, `cat` of a
/// big file) then waits where it comes from (the agent's send window, the local PTY) instead of piling up in this
/// process's memory, and Ctrl-C takes effect after at most `limit` bytes more.
///
/// @unchecked Sendable: every mutable field is read and written only while holding `lock`; waiters are woken after
/// it is released.
public final class ShellOutputGate: @unchecked Sendable {
    private let lock = NSLock()
    private var unread = 0
    private var isOpen = false
    private var waiters: [@Sendable () -> Void] = []
    public let limit: Int

    public init(limit: Int = 1 << 20) { self.limit = max(1, limit) }

    /// Counts `count` bytes handed to the reader; returns once the unread bytes are back under the limit.
    public func produced(_ count: Int) async {
        guard add(count) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if !park({ continuation.resume() }) { continuation.resume() }
        }
    }

    /// `produced` for a producer on a thread of its own (blocking reads).
    public func producedBlocking(_ count: Int) {
        guard add(count) else { return }
        let semaphore = DispatchSemaphore(value: 0)
        if park({ semaphore.signal() }) { semaphore.wait() }
    }

    /// Stops bounding (the shell ended or is being closed): waiting producers go on, none waits again.
    public func open() {
        let wake: [@Sendable () -> Void] = lock.withLock {
            isOpen = true
            defer { waiters = [] }
            return waiters
        }
        for w in wake { w() }
    }

    /// `events` as the one reader sees it: each `.data` it takes counts as consumed.
    public func reading(_ events: AsyncStream<ShellEvent>) -> AsyncStream<ShellEvent> {
        let source = IteratorBox(events.makeAsyncIterator())
        return AsyncStream(unfolding: { [self] in
            let event = await source.next()
            if case .data(let bytes)? = event { consumed(bytes.count) }
            return event
        })
    }

    /// Adds to the unread count; true when the producer must wait.
    private func add(_ count: Int) -> Bool {
        lock.withLock {
            unread += count
            return !isOpen && unread > limit
        }
    }

    /// Registers `wake` unless there is room by now; false when the caller need not wait.
    private func park(_ wake: @escaping @Sendable () -> Void) -> Bool {
        lock.withLock {
            if isOpen || unread <= limit { return false }
            waiters.append(wake)
            return true
        }
    }

    private func consumed(_ count: Int) {
        let wake: [@Sendable () -> Void] = lock.withLock {
            unread -= count
            guard unread <= limit else { return [] }
            defer { waiters = [] }
            return waiters
        }
        for w in wake { w() }
    }

    /// The one reader's iterator. @unchecked Sendable: a channel's `output` has one consumer, so `next` never runs
    /// concurrently with itself.
    private final class IteratorBox: @unchecked Sendable {
        private var iterator: AsyncStream<ShellEvent>.Iterator
        init(_ iterator: AsyncStream<ShellEvent>.Iterator) { self.iterator = iterator }
        func next() async -> ShellEvent? {
            var it = iterator
            let event = await it.next()
            iterator = it
            return event
        }
    }
}
