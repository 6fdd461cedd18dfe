/// A rectangle of terminal cells.
public struct Rect: Sendable, Hashable, CustomStringConvertible {
    public var row: Int
    public var col: Int
    public var rows: Int
    public var cols: Int

    public init(row: Int, col: Int, rows: Int, cols: Int) {
        self.row = row
        self.col = col
        self.rows = max(0, rows)
        self.cols = max(0, cols)
    }

    public var description: String { "\(rows)x\(cols)@\(row),\(col)" }
}
