/// Plain-text tables for the scriptable CLI (`gangway ls`, `gangway sessions`): a header row,
/// columns padded to their widest cell (capped), two spaces between columns, no trailing spaces. Cells are printed
/// through `TerminalSafeText`: control characters from the server show as `\xNN`, never reach the terminal.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]]
    /// Cells longer than this are cut with "…" (the last column's, which pads nothing, at `lastColumnWidth`).
    public var maxColumnWidth: Int
    /// The last column holds free text (a reason, why a session ended): cut later, since no column follows it.
    public static let lastColumnWidth = 160

    public init(headers: [String], rows: [[String]] = [], maxColumnWidth: Int = 48) {
        self.headers = headers
        self.rows = rows
        self.maxColumnWidth = maxColumnWidth
    }

    public func render() -> String {
        let cols = headers.count
        let cut: ([String]) -> [String] = { row in
            (0..<cols).map { i in
                let cell = TerminalSafeText.make(i < row.count ? row[i] : "")
                let limit = i == cols - 1 ? max(maxColumnWidth, Self.lastColumnWidth) : maxColumnWidth
                return cell.count > limit ? String(cell.prefix(limit - 1)) + "…" : cell
            }
        }
        let all = [headers] + rows.map(cut)
        var widths = [Int](repeating: 0, count: cols)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in all {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += cell
                if i < cols - 1 { line += String(repeating: " ", count: widths[i] - cell.count + 2) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
