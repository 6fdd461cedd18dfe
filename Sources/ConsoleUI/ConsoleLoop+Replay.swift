import ConsoleCore
import Foundation
import Recording
import TerminalModel

/// Replay panes: opened from the Sessions and Audit views, fetched off the UI thread, played on the UI tick.
extension ConsoleLoop {
    var focusedReplay: ReplayPaneView? {
        guard case .panes = workspace.active.kind, let f = workspace.active.focusedPane else { return nil }
        return replays[f]
    }

    /// The key-table actions that open a replay (`r` in Sessions and Audit) and the controls inside one.
    func performReplay(_ action: KeyAction) {
        switch action {
        case .replaySession:
            guard let row = sessions.selected else { show("select a session to replay", error: true); return }
            openReplay(sessionId: row.id, title: instanceName(row.target))
        case .replayAuditSession:
            guard let row = audit.selectedRow else { show("select an audit event to replay", error: true); return }
            replay(auditEvent: row)
        default:
            if let rp = focusedReplay, let key = ReplayPaneKey(action) { replayKey(key, rp) }
        }
    }

    /// Opens a replay of the session `row` names (`r` on an Audit row or in its details box).
    func replay(auditEvent row: AuditRow) {
        guard let sid = row.sessionId, !sid.isEmpty else {
            show("this \(row.event) event names no session; select a StartSession or TerminateSession event", error: true)
            return
        }
        openReplay(sessionId: sid, title: row.target.isEmpty ? sid : instanceName(row.target))
    }

    /// The fleet's name for an instance id (the tab title), else the id.
    func instanceName(_ id: String) -> String { fleet.rows.first { $0.id == id }?.name ?? id }

    /// Opens a tab with a replay pane for `sessionId` and fetches its recording in the background.
    func openReplay(sessionId: String, title: String) {
        let id = workspace.allocatePaneID()
        workspace.openTab(pane: id, title: "▶ " + title)
        let rect = workspace.paneRects(rows: surface.rows, cols: surface.cols)[id]?.paneContent ?? Rect(row: 0, col: 0, rows: 24, cols: 80)
        let view = ReplayPaneView(id: id, sessionId: sessionId, rows: rect.rows, cols: rect.cols)
        replays[id] = view
        needsFull = true
        let source = self.source, inbox = self.inbox
        view.loadTask = Task.detached {
            switch await ReplayLoader.load(sessionId: sessionId, from: source) {
            case .success(let recording): inbox.post(.replayLoaded(id, recording))
            case .failure(let failure): inbox.post(.replayFailed(id, failure.description))
            }
        }
    }

    func handleReplayKey(_ k: KeyChord, _ rp: ReplayPaneView) {
        viewDirty = true
        if prefixPending {
            prefixPending = false
            if let a = keys.action(for: k, in: .pane) {
                if a == .paneClose { closeReplay(rp.id) } else { perform(a) }
            } else if k == .char("?") {
                perform(.help)
            }
            return
        }
        if k == keys.prefix { prefixPending = true; return }
        if let a = keys.action(for: k, in: .replay), let key = ReplayPaneKey(a) {
            replayKey(key, rp)
        } else if let a = keys.action(for: k, in: .global) {
            perform(a)
        }
    }

    private func replayKey(_ key: ReplayPaneKey, _ rp: ReplayPaneView) {
        if rp.handle(key, now: ReplayPaneView.now()) { closeReplay(rp.id) }
        viewDirty = true
    }

    func closeReplay(_ id: PaneID) {
        replays[id]?.loadTask?.cancel()
        removePane(id)
    }

    /// The recording arrived: start playing it.
    func replayLoaded(_ id: PaneID, _ recording: RecordedSession) {
        guard let rp = replays[id] else { return }
        if rp.loaded(recording, now: ReplayPaneView.now()) { closeReplay(id) }
        viewDirty = true
    }

    /// The fetch failed: the pane shows why, and so does the message line.
    func replayFailed(_ id: PaneID, _ text: String) {
        guard let rp = replays[id] else { return }
        rp.failed(text)
        show("replay \(rp.model.sessionId): \(text.split(separator: "\n").first.map(String.init) ?? text)", error: true)
    }

    /// Plays what is due in every replay pane (hidden ones too, so time keeps running); marks the view dirty when
    /// a visible one changed.
    func tickReplays() {
        guard !replays.isEmpty else { return }
        let now = ReplayPaneView.now()
        for rp in replays.values {
            if rp.tick(now: now) { closeReplay(rp.id); continue }
            if rp.takeChanged() || rp.statusChanged() { viewDirty = true }
        }
    }
}

extension ConsoleLoop {
    /// The replay screen (at the recording's size, clipped to the pane) and its status line.
    func drawReplay(_ rp: ReplayPaneView, in rect: Rect, focused: Bool, full: Bool, _ s: any Surface) {
        let content = rect.paneContent
        if rp.needsFull && !full {
            s.fill(content, style: theme.style(.base))
        }
        PaneRenderer().draw(rp.screen, on: s, in: content, full: full || rp.needsFull)
        rp.needsFull = false
        s.writePadded(row: rect.paneStatus.row, col: rect.col, " " + rp.model.statusLine, width: rect.cols,
                      style: theme.style(focused ? .paneActive : .paneStatus))
    }

    /// The replay controls for the message line: keys from the key table (so overrides show), short labels.
    var replayHints: String {
        let labels: [(KeyAction, String)] = [(.replayPause, "pause"), (.replayFaster, "faster"), (.replaySlower, "slower"),
                                             (.replayStep, "step"), (.replaySeekBackward, "-5s"), (.replaySeekForward, "+5s"),
                                             (.replayStart, "start"), (.replayEnd, "end"), (.replayClose, "close")]
        func name(_ k: KeyChord) -> String { k == .left ? "←" : k == .right ? "→" : k.displayName }
        return labels.compactMap { a, label in keys.binding(for: a)?.keys.first.map { "\(name($0)) \(label)" } }
            .joined(separator: " · ") + " · ? help"
    }
}
