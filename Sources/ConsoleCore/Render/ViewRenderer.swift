import Foundation

/// Draws the list views, header, tab bar and overlays onto a Surface. No ncurses here: tests use MemorySurface.
public struct ViewRenderer {
    public var theme: Theme
    public var now: Date

    public init(theme: Theme, now: Date = Date()) {
        self.theme = theme
        self.now = now
    }

    public func header(_ s: any Surface, context: String, summary: FleetSummary) {
        let r = Workspace.header(rows: s.rows, cols: s.cols)
        s.fill(r, style: theme.style(.header))
        var col = 0
        func put(_ text: String, _ role: ThemeRole) {
            s.write(row: r.row, col: col, text, style: theme.style(role), limit: max(0, s.cols - col))
            col += text.count
        }
        put(" gangway ▸ \(context)   ", .header)
        put("Online \(summary.online)", .header)
        put("  ", .header)
        put("Lost \(summary.lost)", summary.lost > 0 ? .headerAlert : .header)
        put("  ", .header)
        let drift = summary.drifted > 0 ? "Agent \(summary.newestAgent) (\(summary.drifted) behind)" : "Agent \(summary.newestAgent.isEmpty ? "-" : summary.newestAgent)"
        put(drift, summary.drifted > 0 ? .headerAlert : .header)
        put("  Sessions \(summary.sessionsOpen)  ", .header)
        if let since = summary.unreachableSince {
            // The counts above are from the last refresh that worked: say so, and since when.
            put("⚠ \(summary.throttled ? "throttled" : "unreachable") since \(Self.clockTime(since)), figures stale ", .headerAlert)
        }
    }

    /// `HH:MM:SS` in the local time zone.
    static func clockTime(_ d: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss"
        return f.string(from: d)
    }

    public func tabBar(_ s: any Surface, workspace: Workspace) {
        let r = Workspace.tabBar(rows: s.rows, cols: s.cols)
        s.fill(r, style: theme.style(.tabbar))
        var col = 0
        for (i, t) in workspace.tabs.enumerated() {
            let label = " \(i + 1) \(t.title) "
            s.write(row: r.row, col: col, label, style: theme.style(i == workspace.activeTab ? .tabActive : .tabbar), limit: max(0, s.cols - col))
            col += label.count + 1
        }
    }

    /// Fleet table; scrolls the model's cursor so the selection is visible.
    public func fleet(_ s: any Surface, in r: Rect, model: inout FleetModel) {
        s.fill(r, style: theme.style(.base))
        let filterText = model.filter.text.isEmpty ? "" : "/\(model.filter.text) "
        let count = filterText + "\(model.lines.filter { $0.instance != nil }.count)/\(model.rows.count)"
        let columns = fitting(FleetColumn.allCases, width: r.cols - count.count - 1, widthOf: \.width)
        var col = r.col
        for c in columns {
            let mark = c == model.sortColumn ? (model.sortDescending ? "↓" : "↑") : ""
            s.writePadded(row: r.row, col: col, c.rawValue + mark, width: c.width, style: theme.style(.tableHeader))
            col += c.width + 1
        }
        s.write(row: r.row, col: max(r.col, r.col + r.cols - count.count), count, style: theme.style(.filter), limit: r.cols)
        let height = r.rows - 1
        model.cursor.scrollIntoView(height: height)
        for i in 0..<height {
            let idx = model.cursor.offset + i
            guard idx < model.lines.count else { break }
            let row = r.row + 1 + i
            let selected = idx == model.cursor.selected
            switch model.lines[idx] {
            case .cluster(let name, let nodes, let online):
                s.writePadded(row: row, col: r.col, "▾ cluster \(name)  (\(online)/\(nodes) online)", width: r.cols,
                              style: theme.style(selected ? .selection : .group))
            case .nodegroup(_, let name, let nodes, let online):
                s.writePadded(row: row, col: r.col, "  ▾ nodegroup \(name)  (\(online)/\(nodes) online)", width: r.cols,
                              style: theme.style(selected ? .selection : .group))
            case .instance(let inst, let depth):
                var c = r.col
                let base = theme.style(selected ? .selection : .row)
                s.fill(Rect(row: row, col: r.col, rows: 1, cols: r.cols), style: base)
                for column in columns {
                    var text = column.text(inst, now: now)
                    if column == .name { text = String(repeating: " ", count: depth * 2) + text }
                    var style = base
                    if column == .status && !selected {
                        style = theme.style(inst.pingStatus == .online ? .statusOnline : inst.pingStatus == .connectionLost ? .statusLost : .statusOther)
                    }
                    s.writePadded(row: row, col: c, text, width: column.width, style: style)
                    c += column.width + 1
                }
            }
        }
        if model.lines.isEmpty {
            let empty = model.fetchError.map { "Cannot list the fleet: \($0)" } ?? "No instances (yet)."
            s.write(row: r.row + 2, col: r.col + 2, model.rows.isEmpty ? empty : "No instance matches the filter; Esc clears it.",
                    style: theme.style(.dim), limit: r.cols - 2)
        }
    }

    public func sessions(_ s: any Surface, in r: Rect, model: inout SessionsModel) {
        s.fill(r, style: theme.style(.base))
        let flag = (model.showHistory ? "[history]" : "[active]") + (model.filter.isEmpty ? "" : " /" + model.filter)
        var heads: [(String, Int)] = [("SESSION", 26), ("OWNER", 16), ("TARGET", 20), ("STATUS", 12), ("STARTED", 9),
                                      ("DURATION", 9)]
        if model.showHistory {
            // Why each session ended (DescribeSessions Details) instead of an idle time it no longer has; the column
            // takes the rest of the width (at least 12): Details are sentences. Where there is no room for REASON
            // beside it (120 columns), REASON goes (the details box has it), not the why.
            let used = heads.reduce(0) { $0 + $1.1 + 1 }
            let rest = r.cols - min(flag.count, Self.flagReserve) - 1 - used
            if rest >= 12 + 1 + 14 { heads += [("REASON", 14), ("WHY IT ENDED", rest - 15)] } else { heads.append(("WHY IT ENDED", max(12, rest))) }
        } else {
            heads += [("IDLE", 6), ("REASON", 30)]
        }
        let cols = tableHeader(s, in: r, heads: heads, flag: flag)
        let visible = model.visible
        let height = r.rows - 1
        model.cursor.scrollIntoView(height: height)
        let df = DateFormatter()
        df.dateFormat = "HH:mm:ss"
        for i in 0..<height {
            let idx = model.cursor.offset + i
            guard idx < visible.count else { break }
            let x = visible[idx]
            let style = theme.style(idx == model.cursor.selected ? .selection : .row)
            s.fill(Rect(row: r.row + 1 + i, col: r.col, rows: 1, cols: r.cols), style: style)
            let values = ["SESSION": x.id, "OWNER": x.owner, "TARGET": model.targetLabel(x.target), "STATUS": x.status.rawValue,
                          "STARTED": x.started.map(df.string) ?? "-", "DURATION": SessionsModel.duration(x, now: now),
                          "REASON": x.reason, "WHY IT ENDED": Self.whyEnded(x),
                          "IDLE": x.lastActivity.map { Age.format(now.timeIntervalSince($0)) } ?? "-"]
            var c = r.col
            for (head, w) in cols { s.writePadded(row: r.row + 1 + i, col: c, values[head] ?? "", width: w, style: style); c += w + 1 }
        }
        if visible.isEmpty {
            s.write(row: r.row + 2, col: r.col + 2, model.showHistory ? "No past sessions." : "No active sessions. Press 1 for the fleet, Enter to connect.",
                    style: theme.style(.dim), limit: r.cols - 2)
        }
    }

    /// A history row's Details without the "Session <id> " its first column already shows ("was terminated by bob.").
    static func whyEnded(_ row: SessionRow) -> String {
        guard let details = row.details, !details.isEmpty else { return "-" }
        let prefix = "Session \(row.id) "
        return details.hasPrefix(prefix) ? String(details.dropFirst(prefix.count)) : details
    }

    public func audit(_ s: any Surface, in r: Rect, model: inout AuditModel) {
        s.fill(r, style: theme.style(.base))
        // RESULT before SOURCE IP: on a narrow terminal the last column goes first, and an auditor needs the result.
        let heads: [(String, Int)] = [("TIME", 19), ("PRINCIPAL", 18), ("EVENT", 20), ("TARGET", 20), ("RESULT", 14), ("SOURCE IP", 15)]
        let flag = (model.follow ? "[follow]" : "[paused]") + (model.filter.isEmpty ? "" : " /" + model.filter)
        let cols = tableHeader(s, in: r, heads: heads, flag: flag)
        let visible = model.visible
        // The bottom line says whether older events exist below the list and how to reach them.
        let footer = Self.auditFooter(model)
        let height = r.rows - 1 - (footer == nil ? 0 : 1)
        model.cursor.scrollIntoView(height: height)
        if let footer, r.rows > 2 {
            s.write(row: r.row + r.rows - 1, col: r.col + 1, footer, style: theme.style(.dim), limit: r.cols - 2)
        }
        let df = DateFormatter()
        df.dateFormat = "yyyy-MM-dd HH:mm:ss"
        for i in 0..<height {
            let idx = model.cursor.offset + i
            guard idx < visible.count else { break }
            let x = visible[idx]
            let selected = idx == model.cursor.selected
            let style = theme.style(selected ? .selection : .row)
            s.fill(Rect(row: r.row + 1 + i, col: r.col, rows: 1, cols: r.cols), style: style)
            let values = [df.string(from: x.time), x.principal, x.event, x.target, x.result, x.sourceIP]
            var c = r.col
            for (j, (_, w)) in cols.enumerated() {
                let st = (j == 4 && x.isFailure && !selected) ? theme.style(.error) : style  // RESULT
                s.writePadded(row: r.row + 1 + i, col: c, values[j], width: w, style: st)
                c += w + 1
            }
        }
        if visible.isEmpty { s.write(row: r.row + 2, col: r.col + 2, "No audit events.", style: theme.style(.dim), limit: r.cols - 2) }
    }

    /// The Audit view's last line: older events are being fetched, can be (↓ past the last row), or are beyond
    /// what the list keeps. Nil when the list goes down to the oldest event.
    static func auditFooter(_ model: AuditModel) -> String? {
        let shown = "\(model.rows.count) event\(model.rows.count == 1 ? "" : "s")"
        if model.loadingOlder { return "\(shown) · loading older events…" }
        if model.olderToken != nil { return "\(shown) · ↓ past the last one loads older events" }
        if model.full { return "the newest \(shown) · older ones: gangway audit lookup --end TIME" }
        return nil
    }

    /// A centred box with lines (help, confirmations).
    public func box(_ s: any Surface, lines: [String], role: ThemeRole, title: String, scroll: Int = 0) {
        let width = min(s.cols - 4, max(title.count + 4, (lines.map(\.count).max() ?? 0) + 4))
        let height = min(s.rows - 4, lines.count + 2)
        guard width > 4, height > 2 else { return }
        let top = (s.rows - height) / 2, left = (s.cols - width) / 2
        let style = theme.style(role)
        s.fill(Rect(row: top, col: left, rows: height, cols: width), style: style)
        s.write(row: top, col: left, "┌" + String(repeating: "─", count: width - 2) + "┐", style: style, limit: width)
        s.write(row: top, col: left + 2, " \(title) ", style: style, limit: width - 4)
        for i in 0..<(height - 2) {
            s.write(row: top + 1 + i, col: left, "│", style: style, limit: 1)
            if scroll + i < lines.count { s.write(row: top + 1 + i, col: left + 2, lines[scroll + i], style: style, limit: width - 4) }
            s.write(row: top + 1 + i, col: left + width - 1, "│", style: style, limit: 1)
        }
        s.write(row: top + height - 1, col: left, "└" + String(repeating: "─", count: width - 2) + "┘", style: style, limit: width)
    }

    /// The bottom line: a prompt being typed, a message, or key hints.
    public func bottomLine(_ s: any Surface, text: String, role: ThemeRole = .commandLine) {
        let r = Workspace.commandLine(rows: s.rows, cols: s.cols)
        s.writePadded(row: r.row, col: 0, text, width: s.cols, style: theme.style(role))
    }

    private func fitting<T>(_ items: [T], width: Int, widthOf: (T) -> Int) -> [T] {
        var used = 0
        var out: [T] = []
        for i in items {
            if used + widthOf(i) > width && !out.isEmpty { break }
            out.append(i)
            used += widthOf(i) + 1
        }
        return out
    }

    /// The header row of a table view: the columns that fit beside `flag`, and `flag` (mode and filter) at the right.
    /// Returns the columns that fit.
    /// The flag gives way to the columns beyond its first `flagReserve` characters: a long filter is cut ("…") rather
    /// than pushing columns off the table (a filter on the Audit view hid its RESULT column at 118 columns).
    func tableHeader(_ s: any Surface, in r: Rect, heads: [(String, Int)], flag: String) -> [(String, Int)] {
        let cols = fitting(heads, width: r.cols - min(flag.count, Self.flagReserve) - 1, widthOf: \.1)
        var c = r.col
        for (h, w) in cols { s.writePadded(row: r.row, col: c, h, width: w, style: theme.style(.tableHeader)); c += w + 1 }
        let room = r.col + r.cols - c
        let shown = flag.count <= room ? flag : room > 1 ? String(flag.prefix(room - 1)) + "…" : ""
        s.write(row: r.row, col: max(0, r.col + r.cols - shown.count), shown, style: theme.style(.filter), limit: shown.count)
        return cols
    }

    static let flagReserve = 12
}
