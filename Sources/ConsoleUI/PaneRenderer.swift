import ConsoleCore
import TerminalModel

/// Draws a TerminalScreen into a rectangle of a Surface: only damaged rows unless asked for all,
/// same-style runs batched into one write, wide chars as 2-column cells. Copy mode shows scrollback.
public struct PaneRenderer {
    public init() {}

    /// Draws rows of `screen` into `rect`. `rows`: which screen rows (nil = take the damage; all when `full`).
    /// `scrollback`: lines scrolled back in copy mode (0 = live). Returns the number of rows drawn.
    @discardableResult
    public func draw(_ screen: TerminalScreen, on surface: any Surface, in rect: Rect, full: Bool, scrollback: Int = 0) -> Int {
        let damage = screen.takeDamage()
        let visibleRows = min(rect.rows, screen.rows)
        let range: Range<Int>
        if full || scrollback > 0 {
            range = 0..<visibleRows
        } else if let d = damage {
            range = max(0, d.lowerBound)..<min(visibleRows, d.upperBound)
        } else {
            return 0
        }
        for r in range {
            let cells: [TerminalCell]
            if scrollback > 0 {
                let line = r - scrollback
                cells = line >= 0 ? screen.row(line) : screen.scrollbackLine(-line - 1)
            } else {
                cells = screen.row(r)
            }
            drawRow(cells, on: surface, row: rect.row + r, col: rect.col, width: min(rect.cols, screen.cols))
        }
        return range.count
    }

    func drawRow(_ cells: [TerminalCell], on surface: any Surface, row: Int, col: Int, width: Int) {
        var c = 0
        var run = ""
        var runStart = 0
        var runStyle = Style.plain
        func flush() {
            if !run.isEmpty { surface.write(row: row, col: col + runStart, run, style: runStyle, limit: width - runStart) }
            run = ""
        }
        while c < width {
            let cell = c < cells.count ? cells[c] : .blank
            if cell.isWideContinuation { c += 1; continue }
            let style = Self.style(cell)
            if cell.width == 2 {
                flush()
                if c + 1 < width { surface.put(row: row, col: col + c, text: cell.text, width: 2, style: style) }
                else { surface.write(row: row, col: col + c, " ", style: style, limit: 1) }
                c += 2
                runStart = c
                continue
            }
            if run.isEmpty || style != runStyle {
                flush()
                runStart = c
                runStyle = style
            }
            run += cell.text
            c += 1
        }
        flush()
    }

    public static func style(_ cell: TerminalCell) -> Style {
        var a: StyleAttributes = []
        if cell.attributes.contains(.bold) { a.insert(.bold) }
        if cell.attributes.contains(.underline) { a.insert(.underline) }
        if cell.attributes.contains(.reverse) { a.insert(.reverse) }
        if cell.attributes.contains(.italic) { a.insert(.italic) }
        if cell.attributes.contains(.blink) { a.insert(.blink) }
        return Style(fg: color(cell.foreground), bg: color(cell.background), attributes: a)
    }

    static func color(_ c: TerminalColor) -> ColorSpec {
        switch c {
        case .default: return .default
        case .indexed(let i): return .indexed(i)
        case .rgb(let r, let g, let b): return .rgb(r, g, b)
        }
    }
}
