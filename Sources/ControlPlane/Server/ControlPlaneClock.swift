import Foundation

/// Where the control plane reads the time. Tests inject a `ManualClock` and drive `ControlPlaneServer.runMaintenance()`.
public protocol ControlPlaneClock: Sendable {
    func now() -> Date
}

public struct SystemClock: ControlPlaneClock {
    public init() {}
    public func now() -> Date { Date() }
}


/// A clock that only moves when told to.
public final class ManualClock: ControlPlaneClock {
    // A Mutex-free design: the time lives in a lock-protected box so `now()` can stay synchronous.
    private let box: LockedBox<Date>
    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { box = LockedBox(start) }
    public func now() -> Date { box.value }
    public func advance(_ seconds: TimeInterval) { box.mutate { $0 = $0.addingTimeInterval(seconds) } }
    public func set(_ date: Date) { box.mutate { $0 = date } }
}

/// A value behind an NSLock.
final class LockedBox<T: Sendable>: @unchecked Sendable {
    // @unchecked: every access to `stored` goes through `lock`.
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate<R>(_ body: (inout T) -> R) -> R { lock.lock(); defer { lock.unlock() }; return body(&stored) }
}
