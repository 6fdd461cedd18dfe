import Foundation

/// Time for the login flow: what time it is, and waiting until a time. Tests inject a clock that jumps.
public protocol LoginClock: Sendable {
    var now: Date { get }
    /// Returns at `date` (at once if it has passed); throws `CancellationError` when the task is cancelled.
    func sleep(until date: Date) async throws
}

/// The wall clock.
public struct SystemLoginClock: LoginClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(until date: Date) async throws {
        let seconds = date.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
        try Task.checkCancellation()
    }
}
