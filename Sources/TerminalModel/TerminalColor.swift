/// A cell colour as the program set it: the terminal default, a palette index (0–255), or 24-bit RGB.
public enum TerminalColor: Sendable, Hashable {
    case `default`
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)
}

extension TerminalColor: CustomStringConvertible {
    /// Short form used in golden screen dumps: `def`, `i196`, `#ff8700`.
    public var description: String {
        switch self {
        case .default: return "def"
        case .indexed(let i): return "i\(i)"
        case .rgb(let r, let g, let b):
            return "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }
}
