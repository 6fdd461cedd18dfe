/// A colour in a theme or on a surface: the terminal's default, a palette index (0–255) or 24-bit RGB.
public enum ColorSpec: Sendable, Hashable {
    case `default`
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// The 16 ANSI names accepted in themes (`red`, `bright-blue`, …), in palette order.
    public static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
                                   "bright-black", "bright-red", "bright-green", "bright-yellow",
                                   "bright-blue", "bright-magenta", "bright-cyan", "bright-white"]

    /// Parses `default`, an ANSI name, `#rrggbb`, or a number 0–255. Returns nil otherwise.
    public init?(parsing text: String) {
        let t = text.lowercased()
        if t == "default" || t == "none" { self = .default; return }
        if let i = Self.ansiNames.firstIndex(of: t) { self = .indexed(UInt8(i)); return }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff))
            return
        }
        if let n = Int(t), (0...255).contains(n) { self = .indexed(UInt8(n)); return }
        return nil
    }
}

/// Text attributes a style may carry.
public struct StyleAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = StyleAttributes(rawValue: 1)
    public static let underline = StyleAttributes(rawValue: 2)
    public static let reverse = StyleAttributes(rawValue: 4)
    public static let italic = StyleAttributes(rawValue: 8)
    public static let dim = StyleAttributes(rawValue: 16)
    public static let blink = StyleAttributes(rawValue: 32)

    static let names: [(String, StyleAttributes)] = [("bold", .bold), ("underline", .underline), ("reverse", .reverse),
                                                     ("italic", .italic), ("dim", .dim), ("blink", .blink)]
}

/// Foreground, background and attributes of drawn text.
public struct Style: Sendable, Hashable {
    public var fg: ColorSpec
    public var bg: ColorSpec
    public var attributes: StyleAttributes

    public init(fg: ColorSpec = .default, bg: ColorSpec = .default, attributes: StyleAttributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let plain = Style()
}
