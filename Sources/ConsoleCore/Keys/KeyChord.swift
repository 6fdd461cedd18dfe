/// One key press as the console sees it (after ncurses decoding).
public enum KeyChord: Sendable, Hashable {
    case char(Unicode.Scalar)          // printable, incl. space
    case ctrl(Unicode.Scalar)          // ctrl-a … ctrl-z, lower-case letter
    case alt(Unicode.Scalar)
    case enter, tab, backTab, escape, backspace, delete, insert
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    case resize

    /// Parses a key name as written in key tables and config: `q`, `/`, `ctrl-g`, `C-g`, `alt-x`, `enter`,
    /// `shift-tab`, `f1`, `space`, `esc`, `pgup`. Returns nil for anything else.
    public init?(name: String) {
        let n = name.lowercased()
        let named: [String: KeyChord] = [
            "enter": .enter, "return": .enter, "tab": .tab, "shift-tab": .backTab, "backtab": .backTab,
            "esc": .escape, "escape": .escape, "backspace": .backspace, "bs": .backspace, "delete": .delete, "del": .delete,
            "insert": .insert, "up": .up, "down": .down, "left": .left, "right": .right, "home": .home, "end": .end,
            "pageup": .pageUp, "pgup": .pageUp, "pagedown": .pageDown, "pgdn": .pageDown, "space": .char(" "),
        ]
        if name.unicodeScalars.count == 1, let u = name.unicodeScalars.first { self = .char(u); return }
        if let k = named[n] { self = k; return }
        for p in ["ctrl-", "c-", "^"] where n.hasPrefix(p) {
            let rest = n.dropFirst(p.count)
            if rest.unicodeScalars.count == 1, let u = rest.unicodeScalars.first { self = .ctrl(u); return }
            if rest == "space" { self = .ctrl(" "); return }
        }
        for p in ["alt-", "m-", "meta-"] where n.hasPrefix(p) {
            let rest = name.dropFirst(p.count)
            if rest.unicodeScalars.count == 1, let u = rest.unicodeScalars.first { self = .alt(u); return }
        }
        if n.hasPrefix("f"), let f = Int(n.dropFirst()), (1...24).contains(f) { self = .function(f); return }
        return nil
    }

    /// The name shown in help (`Ctrl-g`, `Enter`, `/`).
    public var displayName: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let u): return String(Character(u))
        case .ctrl(let u): return "Ctrl-" + String(Character(u))
        case .alt(let u): return "Alt-" + String(Character(u))
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .insert: return "Insert"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .function(let n): return "F\(n)"
        case .resize: return "Resize"
        }
    }
}
