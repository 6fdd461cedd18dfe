import Foundation

/// A value set once from a waiter thread and awaited by any number of tasks.
/// @unchecked Sendable: `status` and `waiters` are only touched while holding `lock`.
final class ExitStatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int32?
    private var waiters: [UUID: CheckedContinuation<Int32?, Never>] = [:]

    func set(_ value: Int32) {
        let waiting: [CheckedContinuation<Int32?, Never>] = lock.withLock {
            guard status == nil else { return [] }
            status = value
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for w in waiting { w.resume(returning: value) }
    }

    func peek() -> Int32? { lock.withLock { status } }

    func value() async -> Int32 {
        while true {
            if let v = await value(timeout: nil) { return v }
        }
    }

    /// The status, or nil if `timeout` passes first.
    func value(timeout: Duration?) async -> Int32? {
        let id = UUID()
        let timer: Task<Void, Never>? = timeout.map { t in
            Task { [weak self] in
                try? await Task.sleep(for: t)
                self?.expire(id)
            }
        }
        defer { timer?.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
            let now: Int32?? = lock.withLock {
                if let s = status { return .some(s) }
                waiters[id] = continuation
                return .none
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    private func expire(_ id: UUID) {
        let w = lock.withLock { waiters.removeValue(forKey: id) }
        w?.resume(returning: nil)
    }
}

/// A flag that flips once. @unchecked Sendable: guarded by `lock`.
final class AtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var isSet: Bool { lock.withLock { flag } }
    /// Sets the flag; true if this call set it.
    func setOnce() -> Bool { lock.withLock { if flag { return false }; flag = true; return true } }
}
