import CVTermShim

/// Keys that are not plain characters, for `TerminalScreen.encode(key:)`.
public enum TerminalKey: Sendable, Hashable {
    case enter, tab, backspace, escape
    case up, down, left, right
    case insert, delete, home, end, pageUp, pageDown
    case function(Int)

    var vtermKey: Int32 {
        switch self {
        case .enter: return Int32(VTERM_KEY_ENTER.rawValue)
        case .tab: return Int32(VTERM_KEY_TAB.rawValue)
        case .backspace: return Int32(VTERM_KEY_BACKSPACE.rawValue)
        case .escape: return Int32(VTERM_KEY_ESCAPE.rawValue)
        case .up: return Int32(VTERM_KEY_UP.rawValue)
        case .down: return Int32(VTERM_KEY_DOWN.rawValue)
        case .left: return Int32(VTERM_KEY_LEFT.rawValue)
        case .right: return Int32(VTERM_KEY_RIGHT.rawValue)
        case .insert: return Int32(VTERM_KEY_INS.rawValue)
        case .delete: return Int32(VTERM_KEY_DEL.rawValue)
        case .home: return Int32(VTERM_KEY_HOME.rawValue)
        case .end: return Int32(VTERM_KEY_END.rawValue)
        case .pageUp: return Int32(VTERM_KEY_PAGEUP.rawValue)
        case .pageDown: return Int32(VTERM_KEY_PAGEDOWN.rawValue)
        case .function(let n): return Int32(VTERM_KEY_FUNCTION_0.rawValue) + Int32(max(0, min(n, 255)))
        }
    }
}

/// Shift / Alt / Ctrl held with a key.
public struct KeyModifiers: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let shift = KeyModifiers(rawValue: 1)
    public static let alt = KeyModifiers(rawValue: 2)
    public static let ctrl = KeyModifiers(rawValue: 4)
}
