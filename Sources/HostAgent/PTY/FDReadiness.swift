import Dispatch
import Foundation

/// Waits for a non-blocking descriptor to become writable, without a thread per descriptor and without polling: a
/// Dispatch source that is resumed only while someone waits. (Used for a PTY's input queue when it is full, which is
/// rare; the PTY's output is read on an NIO event loop, see PTYOutputReader.)
/// @unchecked Sendable: `waiter` and `suspended` are only touched while holding `lock`; the source itself is
/// thread-safe.
final class FDReadiness: @unchecked Sendable {
    private let source: any DispatchSourceProtocol
    private let lock = NSLock()
    private var waiter: CheckedContinuation<Void, Never>?
    private var suspended = true  // a new source is inactive; the first resume() activates it
    private var cancelled = false

    init(writable fd: Int32, queue: DispatchQueue) {
        source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in self?.fire() }
    }

    /// Returns when the descriptor is ready (or the watcher is cancelled).
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = lock.withLock {
                if cancelled { return true }
                waiter = continuation
                if suspended {
                    suspended = false
                    source.resume()
                }
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func fire() {
        let waiting: CheckedContinuation<Void, Never>? = lock.withLock {
            if !suspended && !cancelled {
                suspended = true
                source.suspend()
            }
            let w = waiter
            waiter = nil
            return w
        }
        waiting?.resume()
    }

    /// Stops watching; wakes a waiter. Call before closing the descriptor.
    func cancel() {
        let waiting: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !cancelled else { return nil }
            cancelled = true
            if suspended { source.resume() }  // a suspended source must not be cancelled and released
            source.cancel()
            let w = waiter
            waiter = nil
            return w
        }
        waiting?.resume()
    }
}
