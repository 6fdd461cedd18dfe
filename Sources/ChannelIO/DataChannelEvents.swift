import Foundation

/// The event stream of a `DataChannelConnection`: an AsyncSequence for one consumer with a byte bound.
/// The producer (the socket's read loop) waits while more than `highWaterBytes` of data events are unconsumed,
/// so a slow application slows the socket down instead of growing memory (TCP and gangwayd do the rest).
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
/// @unchecked Sendable: every mutable field is read and written only while holding `lock`, and continuations are
/// resumed after the lock is released.
final class EventBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DataChannelEvent] = []
    private var head = 0
    private var bufferedBytes = 0
    private var finished = false
    private var consumer: CheckedContinuation<DataChannelEvent?, Never>?
    private var producers: [CheckedContinuation<Void, Never>] = []
    let highWaterBytes: Int

    init(highWaterBytes: Int) { self.highWaterBytes = max(1, highWaterBytes) }

    private static func weight(_ event: DataChannelEvent) -> Int {
        if case .data(_, let bytes) = event { return bytes.count }
        return 0
    }

    /// Appends an event; returns once the unconsumed data is back under the bound (or the stream is finished).
    func push(_ event: DataChannelEvent) async {
        enum Outcome { case dropped, handedOver(CheckedContinuation<DataChannelEvent?, Never>), queued(overLimit: Bool) }
        let outcome: Outcome = lock.withLock {
            if finished { return .dropped }
            if let waiting = consumer {
                consumer = nil
                return .handedOver(waiting)
            }
            items.append(event)
            bufferedBytes += Self.weight(event)
            return .queued(overLimit: bufferedBytes > highWaterBytes)
        }
        switch outcome {
        case .dropped, .queued(overLimit: false): return
        case .handedOver(let waiting): waiting.resume(returning: event)
        case .queued(overLimit: true):
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = lock.withLock {
                    if finished || bufferedBytes <= highWaterBytes { return true }
                    producers.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Pops the next queued event and collects producers to wake. Call with `lock` held.
    private func popLocked(_ wake: inout [CheckedContinuation<Void, Never>]) -> DataChannelEvent? {
        guard head < items.count else { return nil }
        let event = items[head]
        head += 1
        bufferedBytes -= Self.weight(event)
        if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        if bufferedBytes <= highWaterBytes { wake += producers; producers.removeAll() }
        return event
    }

    func next() async -> DataChannelEvent? {
        var wake: [CheckedContinuation<Void, Never>] = []
        let (event, isFinished): (DataChannelEvent?, Bool) = lock.withLock { (popLocked(&wake), finished) }
        for p in wake { p.resume() }
        if let event { return event }
        if isFinished { return nil }
        return await withCheckedContinuation { (continuation: CheckedContinuation<DataChannelEvent?, Never>) in
            var wakeLater: [CheckedContinuation<Void, Never>] = []
            let immediate: DataChannelEvent?? = lock.withLock {
                if let event = popLocked(&wakeLater) { return .some(event) }
                if finished { return .some(nil) }
                consumer = continuation
                return .none
            }
            for p in wakeLater { p.resume() }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Ends the stream after the events already queued; wakes everyone.
    func finish() {
        let (waiting, wake) = lock.withLock {
            finished = true
            let waiting = consumer
            consumer = nil
            let wake = producers
            producers.removeAll()
            return (waiting, wake)
        }
        waiting?.resume(returning: nil)  // a waiting consumer means the queue is empty
        for p in wake { p.resume() }
    }
}
