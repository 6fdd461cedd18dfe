import ConsoleCore
import Foundation

extension ConsoleLoop {
    /// Redraws what changed, at most once per frame interval.
    func drawIfDue() {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw >= Self.frameInterval else { return }
        let second = Int(Date().timeIntervalSince1970)
        if second != lastSecond { lastSecond = second; viewDirty = true }     // clocks in header / status lines
        if let m = message, m.until < Date() { message = nil; viewDirty = true }
        let panesFed = visiblePanes.contains { $0.needsFull } || inboxFedSinceDraw
        guard needsFull || viewDirty || panesFed else { return }
        draw()
        lastDraw = now
        frames += 1
    }

    private var visiblePanes: [Pane] {
        guard case .panes(let layout) = workspace.active.kind else { return [] }
        return layout.paneIDs.compactMap { panes[$0] }
    }

    /// Panes may have damage after output was fed; cheap to check on the visible ones only.
    private var inboxFedSinceDraw: Bool {
        guard case .panes(let layout) = workspace.active.kind else { return false }
        return layout.paneIDs.contains { panes[$0]?.lastActivity ?? .distantPast > Date(timeIntervalSinceNow: -0.05) }
    }

    func draw() {
        let full = needsFull
        let r = ViewRenderer(theme: theme)
        let s: any Surface = surface
        if full { s.fill(Rect(row: 0, col: 0, rows: surface.rows, cols: surface.cols), style: theme.style(.base)) }
        if full || viewDirty {
            r.header(s, context: source.contextName, summary: fleet.summary)
            r.tabBar(s, workspace: workspace)
        }
        let body = Workspace.body(rows: surface.rows, cols: surface.cols)
        var cursor: (Int, Int)? = nil
        switch workspace.active.kind {
        case .fleet: if full || viewDirty { r.fleet(s, in: body, model: &fleet) }
        case .sessions: if full || viewDirty { r.sessions(s, in: body, model: &sessions) }
        case .audit: if full || viewDirty { r.audit(s, in: body, model: &audit) }
        case .panes(let layout):
            let rects = layout.rects(in: body)
            if full {
                for (d, axis) in layout.dividers(in: body) {
                    for row in d.row..<(d.row + d.rows) {
                        s.write(row: row, col: d.col, axis == .vertical ? "│" : String(repeating: "─", count: d.cols),
                                style: theme.style(.border), limit: d.cols)
                    }
                }
            }
            let renderer = PaneRenderer()
            for id in layout.paneIDs {
                if let rp = replays[id], let rect = rects[id] {
                    drawReplay(rp, in: rect, focused: id == workspace.active.focusedPane, full: full, s)
                    continue
                }
                guard let pane = panes[id], let rect = rects[id] else { continue }
                let focused = id == workspace.active.focusedPane
                renderer.draw(pane.screen, on: s, in: rect.paneContent, full: full || pane.needsFull,
                              scrollback: pane.copyMode ? pane.scrollback : 0)
                pane.needsFull = false
                let style = theme.style(focused ? .paneActive : .paneStatus)
                s.writePadded(row: rect.paneStatus.row, col: rect.col, pane.statusLine(now: Date(), width: rect.cols), width: rect.cols, style: style)
                if pane.isRecorded, rect.cols > 8 {
                    s.write(row: rect.paneStatus.row, col: rect.col + rect.cols - 7, " ● REC ", style: theme.style(.recording), limit: 7)
                }
                if focused && !pane.copyMode {
                    let c = pane.screen.cursor
                    if c.visible { cursor = (rect.row + c.row, rect.col + c.col) }
                }
            }
        }
        drawOverlays(r, s)
        drawBottomLine(r, s, cursor: &cursor)
        if case .normal = mode, let (row, col) = cursor, !prefixPending {
            s.moveCursor(row: row, col: col, visible: true)
        } else if let (row, col) = cursor, case .command = mode {
            s.moveCursor(row: row, col: col, visible: true)
        } else if let (row, col) = cursor, case .filter = mode {
            s.moveCursor(row: row, col: col, visible: true)
        } else {
            s.moveCursor(row: 0, col: 0, visible: false)
        }
        surface.flush()
        needsFull = false
        viewDirty = false
    }

    private func drawOverlays(_ r: ViewRenderer, _ s: any Surface) {
        switch mode {
        case .help(let scroll):
            r.box(s, lines: HelpText.lines(for: keys), role: .help, title: "Help — any key closes, j/k scroll", scroll: scroll)
        case .instanceDetails(let id, let scroll):
            // The live row: the box follows refreshes (status, last heard, sessions on it).
            guard let row = fleet.rows.first(where: { $0.id == id }) else { break }
            let lines = InstanceDetails.lines(for: row, activeSessions: active, now: Date(), width: surface.cols - 8)
            r.box(s, lines: lines, role: .help, title: "Instance \(row.name.isEmpty ? row.id : row.name)",
                  scroll: min(scroll, max(0, lines.count - (s.rows - 6))))
        case .auditDetails(let row, let scroll):
            let lines = AuditEventDetails.lines(for: row, width: surface.cols - 8)
            r.box(s, lines: lines, role: .help, title: "\(row.event) event", scroll: min(scroll, max(0, lines.count - (s.rows - 6))))
        case .sessionDetails(let row, let scroll):
            let live = liveSession(row)
            let name = fleet.rows.first { $0.id == live.target }?.name
            let lines = SessionDetails.lines(for: live, targetName: name, now: Date(), width: surface.cols - 8)
            r.box(s, lines: lines, role: .help, title: "Session \(live.id)", scroll: min(scroll, max(0, lines.count - (s.rows - 6))))
        case .confirmTerminate(let row):
            r.box(s, lines: ["Terminate session \(row.id)", "owner \(row.owner), target \(row.target)?", "",
                             "y = terminate   any other key = cancel"], role: .danger, title: "Dangerous")
        case .confirmDeregister(let inst):
            var lines = ["Deregister \(inst.name.isEmpty ? inst.id : inst.name) (\(inst.id)), \(inst.pingStatus.rawValue)?",
                         "It leaves the fleet; its live sessions end; its agent", "must register anew to come back.", ""]
            if inst.pingStatus == .online { lines.insert("Its agent is ONLINE: this is for decommissioned hosts.", at: 1) }
            r.box(s, lines: lines + ["y = deregister   any other key = cancel"], role: .danger, title: "Dangerous")
        case .confirmClosePane(let id):
            let sid = panes[id]?.channel?.sessionId ?? "(connecting)"
            r.box(s, lines: ["Close this pane and terminate session \(sid)?", "", "y = close   any other key = cancel"],
                  role: .danger, title: "Dangerous")
        default: break
        }
    }

    private func drawBottomLine(_ r: ViewRenderer, _ s: any Surface, cursor: inout (Int, Int)?) {
        let row = Workspace.commandLine(rows: surface.rows, cols: surface.cols).row
        switch mode {
        case .filter(let t):
            r.bottomLine(s, text: "/" + t, role: .filter)
            cursor = (row, min(surface.cols - 1, t.count + 1))
            return
        case .command(let t):
            r.bottomLine(s, text: ":" + t)
            cursor = (row, min(surface.cols - 1, t.count + 1))
            return
        default: break
        }
        if let m = message {
            r.bottomLine(s, text: m.text, role: m.isError ? .error : .commandLine)
        } else if prefixPending {
            let hints = keys.bindings.filter { $0.context == .pane && !$0.keys.isEmpty }.prefix(8)
                .map { "\($0.keys[0].displayName) \($0.action.rawValue.split(separator: ".").last!)" }.joined(separator: "  ")
            r.bottomLine(s, text: "\(keys.prefix.displayName) … " + hints, role: .filter)
        } else if let p = focusedPane, p.copyMode {
            r.bottomLine(s, text: "copy mode: k/j line · PgUp/PgDn page · g oldest · G live · q leave", role: .filter)
        } else if focusedReplay != nil {
            r.bottomLine(s, text: replayHints, role: .dim)
        } else if case .panes = workspace.active.kind {
            r.bottomLine(s, text: "\(keys.prefix.displayName) then: d leave · x close · % split · \" split below · o next pane · [ scroll · ? help", role: .dim)
        } else {
            switch workspace.active.kind {
            case .sessions:
                r.bottomLine(s, text: "? help · / filter · Enter details · x terminate · r replay · H history · 1 fleet · 2 sessions · 3 audit · : command · q quit", role: .dim)
            case .audit:
                r.bottomLine(s, text: "? help · / filter · Enter details · r replay · f follow · 1 fleet · 2 sessions · 3 audit · : command · q quit", role: .dim)
            default:
                r.bottomLine(s, text: "? help · / filter · Enter connect · i details · 1 fleet · 2 sessions · 3 audit · e EKS groups · s sort · : command · q quit", role: .dim)
            }
        }
    }
}
