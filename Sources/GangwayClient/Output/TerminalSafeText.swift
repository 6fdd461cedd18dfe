/// Text from the server (instance names, labels, platform strings an agent reports, a session's Reason, audit
/// fields a caller chose) made safe to print to an operator's terminal: C0 and C1 control characters and DEL become
/// visible `\xNN` escapes, and bidirectional overrides and isolates (which reorder what is shown, "Trojan Source")
/// become `\u{NNNN}`. A host or a user must not be able to send escape sequences into the terminal of whoever lists
/// the fleet, the sessions or the audit log (retitle it, clear it, write the clipboard with OSC 52, ...).
public enum TerminalSafeText {
    public static func make(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x100 && needsEscape(scalar) {
                out += "\\x" + hex(scalar.value, width: 2)
            } else if needsEscape(scalar) {
                out += "\\u{" + hex(scalar.value, width: 4) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true          // C0, DEL, C1 (incl. CSI 0x9B, OSC 0x9D as code points)
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true   // bidi overrides, isolates, marks
        default: return false
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
