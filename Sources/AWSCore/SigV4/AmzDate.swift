import Foundation

/// The two date forms SigV4 uses: `20150830T123600Z` (X-Amz-Date) and `20150830` (credential scope).
/// Formatted and parsed by hand in UTC so there is no locale or formatter state involved.
public struct AmzDate: Sendable, Equatable {
    /// `YYYYMMDDTHHMMSSZ`
    public let dateTime: String
    /// `YYYYMMDD`
    public let day: String
    /// Whole seconds since 1970.
    public let epochSeconds: Int64

    public init(_ date: Date) {
        let secs = Int64(date.timeIntervalSince1970.rounded(.down))
        self.init(epochSeconds: secs)
    }

    public init(epochSeconds secs: Int64) {
        epochSeconds = secs
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        let (y, m, d) = AmzDate.civil(fromDays: days)
        let hh = rem / 3600, mm = (rem % 3600) / 60, ss = rem % 60
        day = AmzDate.pad(y, 4) + AmzDate.pad(m, 2) + AmzDate.pad(d, 2)
        dateTime = day + "T" + AmzDate.pad(hh, 2) + AmzDate.pad(mm, 2) + AmzDate.pad(ss, 2) + "Z"
    }

    /// Parses `YYYYMMDDTHHMMSSZ`; nil for anything else (never traps).
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(4..<6), let d = num(6..<8),
              let h = num(9..<11), let mi = num(11..<13), let s = num(13..<15),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        let days = AmzDate.days(fromCivil: y, mo, d)
        self.init(epochSeconds: days * 86_400 + h * 3600 + mi * 60 + s)
        guard self.dateTime == text else { return nil }  // rejects e.g. Feb 31
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(epochSeconds)) }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    private static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
