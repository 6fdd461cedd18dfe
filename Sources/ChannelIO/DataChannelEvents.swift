import Foundation

/// The event stream of a `DataChannelConnection`: an AsyncSequence for one consumer with a byte bound.
/// The socket is not read while more than `highWaterBytes` of data events are unconsumed, so a slow application
/// slows the socket down instead of growing memory (TCP and gangwayd do the rest).
public struct DataChannelEvents: AsyncSequence, Sendable {
    public typealias Element = DataChannelEvent
    let buffer: EventBuffer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: EventBuffer
        public mutating func next() async -> DataChannelEvent? { await buffer.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}

/// A bounded single-consumer queue of events.
///
/// The producer (the socket's handler, on its event loop) never waits: `offer` queues and says whether the
/// unconsumed data is still under `highWaterBytes`; when it is not, the producer stops reading its socket and asks
/// `whenDrained` to be told once the consumer has caught up.
/// @unchecked Sendable: every mutable field is read and written only while holding `lock`, and continuations and
/// callbacks are called after the lock is released.
final class EventBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DataChannelEvent] = []
    private var head = 0
    private var bufferedBytes = 0
    private var finished = false
    private var consumer: CheckedContinuation<DataChannelEvent?, Never>?
    private var drained: [@Sendable () -> Void] = []
    let highWaterBytes: Int

    init(highWaterBytes: Int) { self.highWaterBytes = max(1, highWaterBytes) }

    private static func weight(_ event: DataChannelEvent) -> Int {
        if case .data(_, let bytes) = event { return bytes.count }
        return 0
    }

    /// Appends an event (dropped after `finish`). Returns false when the unconsumed data is over the bound.
    @discardableResult
    func offer(_ event: DataChannelEvent) -> Bool {
        enum Outcome { case dropped, handedOver(CheckedContinuation<DataChannelEvent?, Never>), queued(underLimit: Bool) }
        let outcome: Outcome = lock.withLock {
            if finished { return .dropped }
            if let waiting = consumer {
                consumer = nil
                return .handedOver(waiting)
            }
            items.append(event)
            bufferedBytes += Self.weight(event)
            return .queued(underLimit: bufferedBytes <= highWaterBytes)
        }
        switch outcome {
        case .dropped: return true
        case .handedOver(let waiting):
            waiting.resume(returning: event)
            return true
        case .queued(let underLimit): return underLimit
        }
    }

    /// Calls `callback` (on the consumer's thread, or now) once the unconsumed data is back under the bound or the
    /// stream is finished.
    func whenDrained(_ callback: @escaping @Sendable () -> Void) {
        let now: Bool = lock.withLock {
            if finished || bufferedBytes <= highWaterBytes { return true }
            drained.append(callback)
            return false
        }
        if now { callback() }
    }

    /// Pops the next queued event and collects callbacks to call. Call with `lock` held.
    private func popLocked(_ wake: inout [@Sendable () -> Void]) -> DataChannelEvent? {
        guard head < items.count else { return nil }
        let event = items[head]
        head += 1
        bufferedBytes -= Self.weight(event)
        if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        if bufferedBytes <= highWaterBytes, !drained.isEmpty { wake += drained; drained.removeAll() }
        return event
    }

    func next() async -> DataChannelEvent? {
        var wake: [@Sendable () -> Void] = []
        let (event, isFinished): (DataChannelEvent?, Bool) = lock.withLock { (popLocked(&wake), finished) }
        for w in wake { w() }
        if let event { return event }
        if isFinished { return nil }
        return await withCheckedContinuation { (continuation: CheckedContinuation<DataChannelEvent?, Never>) in
            var wakeLater: [@Sendable () -> Void] = []
            let immediate: DataChannelEvent?? = lock.withLock {
                if let event = popLocked(&wakeLater) { return .some(event) }
                if finished { return .some(nil) }
                consumer = continuation
                return .none
            }
            for w in wakeLater { w() }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Ends the stream after the events already queued; wakes everyone.
    func finish() {
        let (waiting, wake) = lock.withLock {
            finished = true
            let waiting = consumer
            consumer = nil
            let wake = drained
            drained.removeAll()
            return (waiting, wake)
        }
        waiting?.resume(returning: nil)  // a waiting consumer means the queue is empty
        for w in wake { w() }
    }
}
