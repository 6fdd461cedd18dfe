import Foundation
import Synchronization

/// The difference between this host's clock and a server's, learnt from a refused request, so a host whose clock has
/// drifted still signs requests the server accepts (what the AWS SDKs call clock skew correction).
///
/// SigV4 requests carry their signing time and a server refuses one more than 5 minutes off its own clock. A daemon on
/// a host without time sync (a VM restored from a snapshot, a board without an RTC) would otherwise retry for ever.
/// Only a refusal that says the time is wrong teaches the offset, read from the response's `Date` header (1 s
/// resolution, plenty against a 5 min window); every later signature uses `now()`.
public final class ClockSkew: Sendable {
    private let offsetSeconds = Mutex<TimeInterval>(0)
    private let localClock: @Sendable () -> Date

    public init(localClock: @escaping @Sendable () -> Date = { Date() }) {
        self.localClock = localClock
    }

    /// Server time minus local time, as last learnt (0 until a refusal taught otherwise).
    public var offset: TimeInterval { offsetSeconds.withLock { $0 } }

    /// The time to sign with: the local clock corrected by the learnt offset.
    public func now() -> Date { localClock().addingTimeInterval(offset) }

    /// Learns from a response: when it refuses the request for its signing time and carries a `Date` header, adopts
    /// the server's time. Returns the new offset when it changed (the caller signs again and says so once), else nil.
    public func learn(status: Int, headers: [(String, String)], body: String) -> TimeInterval? {
        guard Self.refusesSigningTime(status: status, body: body),
              let value = headers.first(where: { $0.0.lowercased() == "date" })?.1,
              let serverNow = Self.parseHTTPDate(value) else { return nil }
        let learnt = serverNow.timeIntervalSince(localClock())
        return offsetSeconds.withLock { current -> TimeInterval? in
            // Within 2 s of what is known: the header's whole seconds and the round trip, not a new skew.
            guard abs(learnt - current) > 2 else { return nil }
            current = learnt
            return learnt
        }
    }

    /// A refusal for the signing time: AWS's `RequestTimeTooSkewed`, `Signature expired` / `Signature not yet current`
    /// (gangwayd and AWS both word it so), `RequestExpired`.
    public static func refusesSigningTime(status: Int, body: String) -> Bool {
        guard status == 400 || status == 403 else { return false }
        return body.contains("RequestTimeTooSkewed") || body.contains("Signature expired")
            || body.contains("Signature not yet current") || body.contains("RequestExpired")
    }

    /// An RFC 7231 IMF-fixdate (`Wed, 02 Dec 2026 18:30:36 GMT`); nil for anything else.
    public static func parseHTTPDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.date(from: text.trimmingCharacters(in: .whitespaces))
    }

    /// "9 min 59 s ahead of", "3 s behind" — for the warning a caller logs.
    public static func describe(_ offset: TimeInterval) -> String {
        let s = Int(abs(offset).rounded())
        let amount = s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
        // offset = server − local: a negative offset means the local clock is ahead.
        return amount + (offset < 0 ? " ahead of" : " behind")
    }
}
