import AccessPolicy
import Foundation
import Testing

/// Recurring windows follow the zone's wall clock, including across daylight-saving changes.
/// Europe/Paris in 2026: CET (UTC+1) until Sun 29 March 01:00 UTC, CEST (UTC+2) until Sun 25 October 01:00 UTC.
struct TimeWindowTests {
    struct Case: Sendable, CustomStringConvertible {
        var window: String
        var instant: String
        var inside: Bool
        var note: String
        var description: String { "\(window) @ \(instant): \(note)" }
    }

    static let cases: [Case] = [
        // Office hours in Paris, winter and summer time.
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-03-27T06:59:59Z", inside: false, note: "Fri 07:59:59 CET"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-03-27T07:00:00Z", inside: true, note: "Fri 08:00 CET opens"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-03-27T16:59:59Z", inside: true, note: "Fri 17:59:59 CET"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-03-27T17:00:00Z", inside: false, note: "Fri 18:00 CET closes (end exclusive)"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-03-28T10:00:00Z", inside: false, note: "Saturday"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-03-30T05:59:59Z", inside: false, note: "Mon 07:59:59 CEST after spring forward"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-03-30T06:00:00Z", inside: true, note: "Mon 08:00 CEST = 06:00 UTC"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-03-30T16:00:00Z", inside: false, note: "Mon 18:00 CEST = 16:00 UTC"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-10-23T06:00:00Z", inside: true, note: "Fri 08:00 CEST before fall back"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-10-26T06:30:00Z", inside: false, note: "Mon 07:30 CET after fall back"),
        Case(window: "Mon-Fri 08:00-18:00 Europe/Paris", instant: "2026-10-26T07:00:00Z", inside: true, note: "Mon 08:00 CET = 07:00 UTC"),
        // A window spanning the skipped hour (02:00-03:00 does not exist on 29 March) opens when the clock jumps.
        Case(window: "Sun 02:30-04:00 Europe/Paris", instant: "2026-03-29T00:59:59Z", inside: false, note: "01:59:59 CET"),
        Case(window: "Sun 02:30-04:00 Europe/Paris", instant: "2026-03-29T01:00:00Z", inside: true, note: "jumps to 03:00 CEST"),
        Case(window: "Sun 02:30-04:00 Europe/Paris", instant: "2026-03-29T01:59:59Z", inside: true, note: "03:59:59 CEST"),
        Case(window: "Sun 02:30-04:00 Europe/Paris", instant: "2026-03-29T02:00:00Z", inside: false, note: "04:00 CEST"),
        // The repeated hour on 25 October is inside both times: the window lasts 3 real hours.
        Case(window: "Sun 01:00-03:00 Europe/Paris", instant: "2026-10-24T22:59:59Z", inside: false, note: "00:59:59 CEST"),
        Case(window: "Sun 01:00-03:00 Europe/Paris", instant: "2026-10-24T23:00:00Z", inside: true, note: "01:00 CEST"),
        Case(window: "Sun 01:00-03:00 Europe/Paris", instant: "2026-10-25T00:30:00Z", inside: true, note: "02:30 CEST, first time"),
        Case(window: "Sun 01:00-03:00 Europe/Paris", instant: "2026-10-25T01:30:00Z", inside: true, note: "02:30 CET, second time"),
        Case(window: "Sun 01:00-03:00 Europe/Paris", instant: "2026-10-25T02:00:00Z", inside: false, note: "03:00 CET"),
        // Overnight windows: the days name the evening the window starts.
        Case(window: "Mon-Fri 22:00-06:00 Europe/Paris", instant: "2026-03-27T21:30:00Z", inside: true, note: "Fri 22:30 CET"),
        Case(window: "Mon-Fri 22:00-06:00 Europe/Paris", instant: "2026-03-28T04:59:59Z", inside: true, note: "Sat 05:59:59, Friday's night"),
        Case(window: "Mon-Fri 22:00-06:00 Europe/Paris", instant: "2026-03-28T05:00:00Z", inside: false, note: "Sat 06:00 closes"),
        Case(window: "Mon-Fri 22:00-06:00 Europe/Paris", instant: "2026-03-28T21:30:00Z", inside: false, note: "Sat 22:30, Saturday not listed"),
        Case(window: "Mon-Fri 22:00-06:00 Europe/Paris", instant: "2026-03-30T03:00:00Z", inside: false, note: "Mon 05:00, Sunday's night"),
        Case(window: "Mon-Fri 22:00-06:00 Europe/Paris", instant: "2026-03-31T03:00:00Z", inside: true, note: "Tue 05:00, Monday's night"),
        // An overnight window across the spring-forward night is one hour shorter.
        Case(window: "Daily 22:00-06:00 Europe/Paris", instant: "2026-03-28T21:00:00Z", inside: true, note: "Sat 22:00 CET"),
        Case(window: "Daily 22:00-06:00 Europe/Paris", instant: "2026-03-29T03:59:59Z", inside: true, note: "Sun 05:59:59 CEST"),
        Case(window: "Daily 22:00-06:00 Europe/Paris", instant: "2026-03-29T04:00:00Z", inside: false, note: "Sun 06:00 CEST"),
        // Other zones and forms.
        Case(window: "Mon-Fri 09:00-17:00 America/New_York", instant: "2026-03-06T14:00:00Z", inside: true, note: "Fri 09:00 EST"),
        Case(window: "Mon-Fri 09:00-17:00 America/New_York", instant: "2026-03-09T13:00:00Z", inside: true, note: "Mon 09:00 EDT (US DST 8 March)"),
        Case(window: "Mon-Fri 09:00-17:00 America/New_York", instant: "2026-03-09T21:00:00Z", inside: false, note: "Mon 17:00 EDT"),
        Case(window: "Sat,Sun 10:00-12:00", instant: "2026-03-28T10:30:00Z", inside: true, note: "UTC by default"),
        Case(window: "Sat,Sun 10:00-12:00", instant: "2026-03-27T10:30:00Z", inside: false, note: "Friday"),
        Case(window: "Fri-Mon 09:00-10:00 UTC", instant: "2026-03-30T09:30:00Z", inside: true, note: "range wraps over the weekend"),
        Case(window: "Fri-Mon 09:00-10:00 UTC", instant: "2026-03-31T09:30:00Z", inside: false, note: "Tuesday not in Fri-Mon"),
        Case(window: "00:00-24:00 Asia/Kolkata", instant: "2026-03-31T23:59:59Z", inside: true, note: "all day, every day"),
        Case(window: "* 23:00-24:00 Asia/Kolkata", instant: "2026-03-31T18:30:00Z", inside: false, note: "00:00 IST next day: end is exclusive"),
        Case(window: "* 23:00-24:00 Asia/Kolkata", instant: "2026-03-31T17:30:00Z", inside: true, note: "23:00 IST"),
        Case(window: "monday,WED 08:00-09:00 UTC", instant: "2026-04-01T08:15:00Z", inside: true, note: "full names, any case"),
    ]

    @Test(arguments: cases)
    func windowContains(_ c: Case) throws {
        let w = try TimeWindow(parsing: c.window)
        #expect(w.contains(at(c.instant)) == c.inside, "\(c)")
    }

    @Test(arguments: [
        ("Mon-Fri", "missing the HH:MM-HH:MM"), ("Mon-Fry 08:00-18:00", "unknown day \"Fry\""),
        ("Mon-Fri 08:00-08:00", "starts and ends at the same time"), ("Mon-Fri 0800-1800", "bad time \"0800\"; use 24-hour HH:MM"), ("Mon-Fri 08:00", "expected a time range"),
        ("Mon-Fri 08:00-18:00 Mars/Olympus", "unknown time zone"), ("Mon 24:00-01:00", "bad time \"24:00\""),
        ("Mon 08:00-18:00 UTC extra", "unexpected \"extra\""), ("", "empty"), ("Mon,,Tue 08:00-09:00", "empty day"),
    ])
    func rejectsBadSyntax(text: String, message: String) {
        do {
            _ = try TimeWindow(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.message.contains(message), "\(text): \(error.message)")
        }
    }
}
