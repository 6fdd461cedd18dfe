/// Something the console draws on: the ncurses screen (ConsoleUI) or a `MemorySurface` in tests and benches.
public protocol Surface: AnyObject {
    var rows: Int { get }
    var cols: Int { get }
    /// Writes one cell; `width` 2 for a wide character (covers the next cell too).
    func put(row: Int, col: Int, text: String, width: Int, style: Style)
    /// Writes narrow text from (row, col), clipped to `limit` columns and the surface edge.
    func write(row: Int, col: Int, _ text: String, style: Style, limit: Int)
    /// Fills a rectangle with spaces in `style`.
    func fill(_ rect: Rect, style: Style)
    /// Where the terminal cursor should be after this frame.
    func moveCursor(row: Int, col: Int, visible: Bool)
}

extension Surface {
    /// Writes `text` padded with spaces (or clipped) to exactly `width` columns.
    public func writePadded(row: Int, col: Int, _ text: String, width: Int, style: Style) {
        guard width > 0 else { return }
        let clipped = text.count > width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
        write(row: row, col: col, clipped, style: style, limit: width)
    }
}
