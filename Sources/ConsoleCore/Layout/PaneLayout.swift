/// A pane's identity within the console.
public typealias PaneID = Int

/// Direction of a split: `.vertical` puts panes side by side (a vertical divider), `.horizontal` stacks them.
public enum SplitAxis: String, Sendable, Hashable { case vertical, horizontal }

/// The panes of one tab as a binary split tree.
public indirect enum PaneLayout: Sendable, Hashable {
    case pane(PaneID)
    case split(SplitAxis, PaneLayout, PaneLayout)

    public var paneIDs: [PaneID] {
        switch self {
        case .pane(let id): return [id]
        case .split(_, let a, let b): return a.paneIDs + b.paneIDs
        }
    }

    /// Splits pane `target` into (target, new) along `axis`.
    public func splitting(_ target: PaneID, with new: PaneID, axis: SplitAxis) -> PaneLayout {
        switch self {
        case .pane(let id): return id == target ? .split(axis, .pane(id), .pane(new)) : self
        case .split(let ax, let a, let b):
            return .split(ax, a.splitting(target, with: new, axis: axis), b.splitting(target, with: new, axis: axis))
        }
    }

    /// Removes a pane; its sibling takes its space. Nil when it was the last pane.
    public func removing(_ target: PaneID) -> PaneLayout? {
        switch self {
        case .pane(let id): return id == target ? nil : self
        case .split(let ax, let a, let b):
            let na = a.removing(target), nb = b.removing(target)
            switch (na, nb) {
            case (nil, nil): return nil
            case (let x?, nil): return x
            case (nil, let y?): return y
            case (let x?, let y?): return .split(ax, x, y)
            }
        }
    }

    /// Outer rectangles of each pane (including its 1-row status line), with one cell of divider between splits.
    public func rects(in area: Rect) -> [PaneID: Rect] {
        switch self {
        case .pane(let id): return [id: area]
        case .split(.vertical, let a, let b):
            let left = max(1, (area.cols - 1) / 2)
            return a.rects(in: Rect(row: area.row, col: area.col, rows: area.rows, cols: left))
                .merging(b.rects(in: Rect(row: area.row, col: area.col + left + 1, rows: area.rows, cols: area.cols - left - 1))) { x, _ in x }
        case .split(.horizontal, let a, let b):
            let top = max(1, (area.rows - 1) / 2)
            return a.rects(in: Rect(row: area.row, col: area.col, rows: top, cols: area.cols))
                .merging(b.rects(in: Rect(row: area.row + top + 1, col: area.col, rows: area.rows - top - 1, cols: area.cols))) { x, _ in x }
        }
    }

    /// Divider lines between panes: (rect of the divider, axis).
    public func dividers(in area: Rect) -> [(Rect, SplitAxis)] {
        switch self {
        case .pane: return []
        case .split(.vertical, let a, let b):
            let left = max(1, (area.cols - 1) / 2)
            return [(Rect(row: area.row, col: area.col + left, rows: area.rows, cols: 1), .vertical)]
                + a.dividers(in: Rect(row: area.row, col: area.col, rows: area.rows, cols: left))
                + b.dividers(in: Rect(row: area.row, col: area.col + left + 1, rows: area.rows, cols: area.cols - left - 1))
        case .split(.horizontal, let a, let b):
            let top = max(1, (area.rows - 1) / 2)
            return [(Rect(row: area.row + top, col: area.col, rows: 1, cols: area.cols), .horizontal)]
                + a.dividers(in: Rect(row: area.row, col: area.col, rows: top, cols: area.cols))
                + b.dividers(in: Rect(row: area.row + top + 1, col: area.col, rows: area.rows - top - 1, cols: area.cols))
        }
    }
}

extension Rect {
    /// The terminal part of a pane's rect (all but the bottom status line).
    public var paneContent: Rect { Rect(row: row, col: col, rows: max(1, rows - 1), cols: cols) }
    /// The pane's status line.
    public var paneStatus: Rect { Rect(row: row + rows - 1, col: col, rows: 1, cols: cols) }
}
