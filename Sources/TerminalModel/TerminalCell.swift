/// Text attributes of a cell.
public struct CellAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = CellAttributes(rawValue: 1 << 0)
    public static let underline = CellAttributes(rawValue: 1 << 1)
    public static let italic = CellAttributes(rawValue: 1 << 2)
    public static let reverse = CellAttributes(rawValue: 1 << 3)
    public static let blink = CellAttributes(rawValue: 1 << 4)
    public static let strike = CellAttributes(rawValue: 1 << 5)
}

/// One cell of a terminal screen.
public struct TerminalCell: Sendable, Hashable {
    /// First code point; 0 for an empty cell. Never the wide-char continuation marker (see `isWideContinuation`).
    public var scalar: UInt32
    /// Combining characters after `scalar` (usually empty).
    public var combining: [UInt32]
    /// 1, or 2 for the left half of a wide character.
    public var width: Int
    /// True for the right half of a wide character: draw nothing there.
    public var isWideContinuation: Bool
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: CellAttributes

    public init(scalar: UInt32 = 0, combining: [UInt32] = [], width: Int = 1, isWideContinuation: Bool = false,
                foreground: TerminalColor = .default, background: TerminalColor = .default,
                attributes: CellAttributes = []) {
        self.scalar = scalar
        self.combining = combining
        self.width = width
        self.isWideContinuation = isWideContinuation
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let blank = TerminalCell()

    /// The cell's text; a space for an empty cell, "" for a wide continuation.
    public var text: String {
        if isWideContinuation { return "" }
        if scalar == 0 { return " " }
        var s = String.UnicodeScalarView()
        if let u = Unicode.Scalar(scalar) { s.append(u) }
        for c in combining { if let u = Unicode.Scalar(c) { s.append(u) } }
        return String(s)
    }

    /// Whether two cells draw with the same colours and attributes (used to batch runs).
    public func sameStyle(as other: TerminalCell) -> Bool {
        foreground == other.foreground && background == other.background && attributes == other.attributes
    }
}
