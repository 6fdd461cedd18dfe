import Foundation

/// The lines of a details box (instance, session, audit event): a label column, then each value wrapped under its
/// label to the box's width.
public enum DetailLines {
    /// `pairs` as `LABEL  value` lines no wider than `width`; an empty label continues the line above.
    public static func format(_ pairs: [(String, String)], width: Int) -> [String] {
        let label = pairs.map(\.0.count).max() ?? 0
        let room = max(10, width - label - 2)
        var lines: [String] = []
        for (name, value) in pairs {
            for (i, piece) in wrap(value, width: room).enumerated() {
                lines.append((i == 0 ? name : "").padding(toLength: label, withPad: " ", startingAt: 0) + "  " + piece)
            }
        }
        return lines
    }

    /// `text` in pieces of at most `width` characters, broken after a space where there is one in the piece.
    /// Linear in the text's length (a request's parameters can be long), at most `maxLines` pieces, the last one
    /// ending in "…" when the text went on.
    static func wrap(_ text: String, width: Int, maxLines: Int = 200) -> [String] {
        let width = max(1, width)
        var rest = Substring(text)
        var out: [String] = []
        while let end = rest.index(rest.startIndex, offsetBy: width, limitedBy: rest.endIndex), end < rest.endIndex {
            if out.count == maxLines - 1 {
                out.append(String(rest[..<rest.index(before: end)]) + "…")
                return out
            }
            let head = rest[..<end]
            let space = head.lastIndex(of: " ").flatMap { $0 > rest.startIndex ? $0 : nil }
            let cut = space.map { rest.index(after: $0) } ?? end
            out.append(String(rest[..<cut]).trimmingCharacters(in: .whitespaces))
            rest = rest[cut...]
        }
        out.append(String(rest))
        return out
    }

    /// `2026-12-02 20:50:01` in `timeZone`.
    static func timestamp(_ d: Date, _ timeZone: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: d)
    }
}
