/// What a surface puts on the screen for each Unicode scalar of a text. Text in the console's views comes from
/// hosts and users (instance names and labels an agent reports, a session's Reason, audit fields a caller chose);
/// drawn as it is, a line feed in a StartSession Reason moved ncurses to the next screen line, so the rest of the
/// text stood on a row of its own (a user could draw a made-up session row into the operator's Sessions view), and
/// bidirectional overrides reordered what was shown ("Trojan Source"). Each such scalar becomes one visible scalar
/// of width one, so layouts computed from the text's length still hold: C0 controls their Control Pictures
/// (LF → ␊, ESC → ␛), DEL ␡, C1 controls, bidi controls and the Unicode line/paragraph separators U+FFFD.
public enum ScreenText {
    @inline(__always)
    public static func visible(_ u: Unicode.Scalar) -> Unicode.Scalar {
        switch u.value {
        case 0x20..<0x7F: return u
        case 0x00..<0x20: return Unicode.Scalar(0x2400 + u.value)!
        case 0x7F: return "\u{2421}"
        case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x2028, 0x2029: return "\u{FFFD}"
        default: return u
        }
    }

    /// `text` with every scalar made `visible`.
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { visible($0) != $0 }) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars { out.append(visible(u)) }
        return String(out)
    }
}
