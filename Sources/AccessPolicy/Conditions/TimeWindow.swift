import Foundation

/// A recurring weekly time window in a time zone, written `[DAYS] HH:MM-HH:MM [ZONE]`:
///
/// | text | meaning |
/// |---|---|
/// | `Mon-Fri 08:00-18:00 Europe/Paris` | weekdays, 08:00 to 18:00 Paris wall-clock time |
/// | `Sat,Sun 10:00-12:00 UTC` | weekend mornings |
/// | `Fri-Mon 09:00-17:00` | Friday through Monday (ranges wrap), UTC when no zone is given |
/// | `Mon-Fri 22:00-06:00 America/New_York` | overnight: from 22:00 on each listed day to 06:00 the next day |
/// | `Daily 00:00-24:00 Asia/Tokyo` or `* 00:00-24:00` | every day, all day |
///
/// DAYS is a comma-separated list of days (`Mon`…`Sun`, or full names, any case) and day ranges, `Daily` or `*`; when
/// omitted the window applies every day. The start is inclusive and the end exclusive; `24:00` is allowed as an end.
/// The days name the day the window *starts*. Windows follow the zone's wall clock (Foundation `TimeZone`, IANA
/// names): on a spring-forward day a window that spans the skipped hour is one hour shorter, on a fall-back day one
/// hour longer, and a window that starts inside a skipped hour opens when the clock jumps past its start.
public struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    /// Weekdays the window starts on, Calendar numbering (1 = Sunday … 7 = Saturday).
    public var days: Set<Int>
    /// Seconds after local midnight, start inclusive.
    public var start: Int
    /// Seconds after local midnight, end exclusive; ≤ start means the window ends the next day.
    public var end: Int
    public var timeZone: TimeZone
    /// The text it was parsed from, for messages.
    public var text: String

    public init(parsing text: String) throws(TimeWindowError) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { throw TimeWindowError("the time window is empty; write e.g. \"Mon-Fri 08:00-18:00 Europe/Paris\"") }
        var rest = words[...]
        var days = Set(1...7)
        if let first = rest.first, !first.contains(":") {
            days = try Self.parseDays(first)
            rest = rest.dropFirst()
        }
        guard let range = rest.first else { throw TimeWindowError("missing the HH:MM-HH:MM time range in \"\(text)\"") }
        rest = rest.dropFirst()
        let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2 else { throw TimeWindowError("expected a time range HH:MM-HH:MM, found \"\(range)\"") }
        let start = try Self.parseTime(String(bounds[0]), allow24: false)
        let end = try Self.parseTime(String(bounds[1]), allow24: true)
        guard start != end else {
            throw TimeWindowError("the window \"\(range)\" starts and ends at the same time; for a whole day write 00:00-24:00")
        }
        var zone = TimeZone(identifier: "UTC")!
        if let name = rest.first {
            guard let z = TimeZone(identifier: name) else {
                throw TimeWindowError("unknown time zone \"\(name)\"; use an IANA name such as Europe/Paris, America/New_York or UTC")
            }
            zone = z
            rest = rest.dropFirst()
        }
        if let extra = rest.first {
            throw TimeWindowError("unexpected \"\(extra)\" after the time zone; write one window per string, e.g. [\"Mon-Fri 08:00-12:00 UTC\", \"Mon-Fri 14:00-18:00 UTC\"]")
        }
        self.days = days
        self.start = start
        self.end = end == 0 ? 86_400 : end
        self.timeZone = zone
        self.text = text
    }

    public var description: String { text }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.weekday, .hour, .minute, .second], from: date)
        guard let weekday = c.weekday, let h = c.hour, let m = c.minute, let s = c.second else { return false }
        let t = h * 3600 + m * 60 + s
        if start < end {
            return days.contains(weekday) && t >= start && t < end
        }
        // Overnight: the evening part on a listed day, or the morning part on the day after a listed day.
        let previous = weekday == 1 ? 7 : weekday - 1
        return (days.contains(weekday) && t >= start) || (days.contains(previous) && t < end)
    }

    private static let dayNames: [(String, Int)] = [
        ("sun", 1), ("mon", 2), ("tue", 3), ("wed", 4), ("thu", 5), ("fri", 6), ("sat", 7),
        ("sunday", 1), ("monday", 2), ("tuesday", 3), ("wednesday", 4), ("thursday", 5), ("friday", 6), ("saturday", 7),
        ("tues", 3), ("thur", 5), ("thurs", 5),
    ]

    private static func day(_ name: Substring) throws(TimeWindowError) -> Int {
        let lower = name.lowercased()
        guard let d = dayNames.first(where: { $0.0 == lower })?.1 else {
            throw TimeWindowError("unknown day \"\(name)\"; use Mon, Tue, Wed, Thu, Fri, Sat, Sun (or ranges like Mon-Fri)")
        }
        return d
    }

    static func parseDays(_ text: String) throws(TimeWindowError) -> Set<Int> {
        let lower = text.lowercased()
        if lower == "*" || lower == "daily" || lower == "everyday" { return Set(1...7) }
        var days = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw TimeWindowError("empty day in \"\(text)\"") }
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            switch ends.count {
            case 1: days.insert(try day(ends[0]))
            case 2:
                var d = try day(ends[0])
                let last = try day(ends[1])
                days.insert(d)
                while d != last {
                    d = d == 7 ? 1 : d + 1
                    days.insert(d)
                }
            default: throw TimeWindowError("bad day range \"\(part)\"; write e.g. Mon-Fri")
            }
        }
        return days
    }

    static func parseTime(_ text: String, allow24: Bool) throws(TimeWindowError) -> Int {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(parts[0]), let m = Int(parts[1]), m < 60, h < 24 || (allow24 && h == 24 && m == 0) else {
            throw TimeWindowError("bad time \"\(text)\"; use 24-hour HH:MM (00:00 to 23:59, or 24:00 as an end)")
        }
        return h * 3600 + m * 60
    }
}

public struct TimeWindowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
