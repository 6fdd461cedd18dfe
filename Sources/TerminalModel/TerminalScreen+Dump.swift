/// Text dumps of a screen for golden tests and `capture`-style debugging.
extension TerminalScreen {
    /// The visible text, one line per row, trailing spaces trimmed; wide chars appear once.
    public func dumpText() -> String {
        (0..<rows).map { r in Self.text(of: row(r)) }.joined(separator: "\n")
    }

    /// Attribute runs of non-default cells: `r<row> c<from>-<to> fg=… bg=… bold …`, one per run.
    /// Cells with default colours and no attributes are left out, so plain text produces no lines.
    public func dumpAttributes() -> String {
        var lines: [String] = []
        for r in 0..<rows {
            let cells = row(r)
            var c = 0
            while c < cells.count {
                let start = cells[c]
                var end = c
                while end + 1 < cells.count, cells[end + 1].sameStyle(as: start) { end += 1 }
                if start.foreground != .default || start.background != .default || !start.attributes.isEmpty {
                    lines.append("r\(r) c\(c)-\(end) " + Self.describe(start))
                }
                c = end + 1
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Text of a row of cells with trailing blanks trimmed.
    public static func text(of cells: [TerminalCell]) -> String {
        var s = ""
        for cell in cells where !cell.isWideContinuation { s += cell.text }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    static func describe(_ cell: TerminalCell) -> String {
        var parts = ["fg=\(cell.foreground)", "bg=\(cell.background)"]
        let names: [(CellAttributes, String)] = [(.bold, "bold"), (.underline, "underline"), (.italic, "italic"),
                                                 (.reverse, "reverse"), (.blink, "blink"), (.strike, "strike")]
        for (a, n) in names where cell.attributes.contains(a) { parts.append(n) }
        return parts.joined(separator: " ")
    }
}
