/// An in-memory surface: a grid of cells with styles. Used by rendering tests, golden screens and benches.
public final class MemorySurface: Surface {
    public struct Cell: Sendable, Hashable {
        public var text: String = " "
        public var style: Style = .plain
        /// True for the cell covered by the wide character to its left.
        public var covered = false
    }

    public private(set) var rows: Int
    public private(set) var cols: Int
    public private(set) var cells: [Cell]
    public private(set) var cursor: (row: Int, col: Int, visible: Bool) = (0, 0, false)
    /// Number of cell writes, for benches and "only damaged rows are redrawn" tests.
    public private(set) var writes = 0

    public init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        cells = Array(repeating: Cell(), count: rows * cols)
    }

    public func resize(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        cells = Array(repeating: Cell(), count: rows * cols)
    }

    public func resetWriteCount() { writes = 0 }

    public subscript(row: Int, col: Int) -> Cell { cells[row * cols + col] }

    public func put(row: Int, col: Int, text: String, width: Int, style: Style) {
        guard row >= 0, row < rows, col >= 0, col < cols else { return }
        writes += 1
        cells[row * cols + col] = Cell(text: text, style: style, covered: false)
        if width == 2, col + 1 < cols { cells[row * cols + col + 1] = Cell(text: "", style: style, covered: true) }
    }

    public func write(row: Int, col: Int, _ text: String, style: Style, limit: Int) {
        guard row >= 0, row < rows else { return }
        var c = col
        for ch in ScreenText.visible(text) {
            if c >= cols || c - col >= limit { break }
            if c >= 0 {
                writes += 1
                cells[row * cols + c] = Cell(text: String(ch), style: style, covered: false)
            }
            c += 1
        }
    }

    public func fill(_ rect: Rect, style: Style) {
        for r in max(0, rect.row)..<min(rows, rect.row + rect.rows) {
            for c in max(0, rect.col)..<min(cols, rect.col + rect.cols) { cells[r * cols + c] = Cell(text: " ", style: style) }
        }
    }

    public func moveCursor(row: Int, col: Int, visible: Bool) { cursor = (row, col, visible) }

    /// One row's text, trailing spaces trimmed.
    public func line(_ row: Int) -> String {
        var s = ""
        for c in 0..<cols where !self[row, c].covered { s += self[row, c].text }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    /// The whole surface as text, like `tmux capture-pane -p`.
    public func text() -> String { (0..<rows).map(line).joined(separator: "\n") }
}
