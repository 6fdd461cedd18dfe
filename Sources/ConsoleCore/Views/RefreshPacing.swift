import Foundation

/// How long the console waits between periodic refreshes. Every `base` seconds while the API answers; when it
/// throttles (AWS answers ThrottlingException and the like once its retries are spent), the wait doubles up to
/// `ceiling`, and returns to `base` after the first refresh that was not throttled. A console watching a large fleet
/// on AWS then slows down instead of failing every 5 s (and costing the account's other callers their rate).
public struct RefreshPacing: Sendable, Equatable {
    public let base: Double
    public let ceiling: Double
    public private(set) var interval: Double

    public init(base: Double = 5, ceiling: Double = 60) {
        self.base = base
        self.ceiling = ceiling
        interval = base
    }

    /// The wait before the next refresh, after one that was (or was not) throttled.
    public mutating func after(throttled: Bool) -> Double {
        interval = throttled ? min(ceiling, interval * 2) : base
        return interval
    }

    /// A wait for a message: whole seconds, or hundredths below one second.
    public static func text(_ seconds: Double) -> String {
        seconds >= 1 ? String(Int(seconds.rounded())) : String(format: "%.2f", seconds)
    }

    /// True when an API error's text is a rate limit (the codes AWS services use for it).
    public static func isThrottle(_ error: String) -> Bool {
        ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
         "ProvisionedThroughputExceeded", "Rate exceeded"].contains { error.contains($0) }
    }
}
