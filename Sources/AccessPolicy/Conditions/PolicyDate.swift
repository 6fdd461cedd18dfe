import Foundation

/// Parses the date forms IAM accepts in `Date*` conditions, without locale or formatter state:
/// `2026-03-29`, `2026-03-29T01:30:00Z`, `2026-03-29T03:30:00+02:00`, `2026-03-29T01:30:00.250Z`, and epoch seconds.
public enum PolicyDate {
    public static func parse(_ text: String) -> Date? {
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let epoch = Double(text) {
            return Date(timeIntervalSince1970: epoch)
        }
        let s = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var v = 0
            for k in 0..<digits {
                let c = s[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += digits
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if i == s.count { return Date(timeIntervalSince1970: seconds) }
        guard expect(0x54) || expect(0x74) || expect(0x20), let hour = number(2), expect(0x3A), let minute = number(2),
              hour < 24, minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(0x3A) {
            guard let sec = number(2), sec < 61 else { return nil }
            seconds += Double(sec)
            if expect(0x2E) {
                var scale = 0.1
                var any = false
                while i < s.count, s[i] >= 48 && s[i] <= 57 {
                    seconds += Double(s[i] - 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                if !any { return nil }
            }
        }
        if i == s.count || expect(0x5A) || expect(0x7A) {
            return i == s.count ? Date(timeIntervalSince1970: seconds) : nil
        }
        let sign: Double
        if expect(0x2B) { sign = 1 } else if expect(0x2D) { sign = -1 } else { return nil }
        guard let oh = number(2) else { return nil }
        _ = expect(0x3A)
        guard let om = number(2), oh < 24, om < 60, i == s.count else { return nil }
        seconds -= sign * Double(oh * 3600 + om * 60)
        return Date(timeIntervalSince1970: seconds)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
