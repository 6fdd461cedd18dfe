import ConsoleCore
import Foundation
import TerminalModel

extension ConsoleLoop {
    func handle(key k: KeyChord) {
        if k == .resize {
            surface.updateSize()
            relayout()
            needsFull = true
            return
        }
        switch mode {
        case .filter(let text): editFilter(text, k)
        case .command(let text): editCommand(text, k)
        case .help(let scroll):
            if k == .down || k == .char("j") { mode = .help(scroll + 1) } else if k == .up || k == .char("k") { mode = .help(max(0, scroll - 1)) } else { mode = .normal }
            needsFull = true
        case .confirmTerminate(let row):
            if k == .char("y") || k == .char("Y") {
                let source = self.source, inbox = self.inbox, id = row.id
                Task.detached {
                    do { try await source.terminate(sessionId: id); inbox.post(.message("terminated \(id)", isError: false)) } catch {
                        inbox.post(.message("could not terminate \(id): \(error)", isError: true))
                    }
                    await ConsoleFetch.run(.all, source: source, inbox: inbox)
                }
                _ = sessions.confirmTerminate()
            } else {
                sessions.cancelTerminate()
                show("terminate cancelled", error: false)
            }
            mode = .normal
            needsFull = true
        case .confirmClosePane(let id):
            if k == .char("y") || k == .char("Y") { closePane(id) } else { show("close cancelled", error: false) }
            mode = .normal
            needsFull = true
        case .instanceDetails(let id, let scroll):
            detailsBox(k, scroll: scroll, in: .fleet, scrolled: { .instanceDetails(id, $0) }) { action in
                switch action {
                case .connect: if let i = fleet.rows.first(where: { $0.id == id }) { openPane(for: i, split: nil) }
                case .auditTrail: showAuditTrail(of: id)
                // The box's instance is still the selected row: the box took every key meanwhile.
                case .deregisterInstance: perform(.deregisterInstance)
                default: break
                }
            }
        case .sessionDetails(let row, let scroll):
            detailsBox(k, scroll: scroll, in: .sessions, scrolled: { .sessionDetails(row, $0) }) { action in
                switch action {
                case .terminateSession:
                    let live = liveSession(row)
                    if live.status.isActive { mode = .confirmTerminate(live) } else { show("\(row.id) has ended already", error: true) }
                case .replaySession: openReplay(sessionId: row.id, title: instanceName(row.target))
                case .auditTrail: showAuditTrail(of: row.id)
                default: break
                }
            }
        case .auditDetails(let row, let scroll):
            detailsBox(k, scroll: scroll, in: .audit, scrolled: { .auditDetails(row, $0) }) { action in
                if action == .replayAuditSession { replay(auditEvent: row) }
            }
        case .confirmDeregister(let inst):
            if k == .char("y") || k == .char("Y") { deregister(inst) } else { show("deregister cancelled", error: false) }
            mode = .normal
            needsFull = true
        case .normal:
            if let rp = focusedReplay { handleReplayKey(k, rp) } else if case .panes = workspace.active.kind { handlePaneKey(k) } else { handleListKey(k) }
        }
    }

    private var listContext: KeyContext {
        switch workspace.active.kind {
        case .fleet: return .fleet
        case .sessions: return .sessions
        case .audit: return .audit
        case .panes: return .pane
        }
    }

    /// A key while a details box is open: j/k scroll it (`scrolled` rebuilds the mode), any other key closes it and
    /// is offered to `act` as the action it is bound to in the box's view (Enter connects, x terminates, …).
    private func detailsBox(_ k: KeyChord, scroll: Int, in context: KeyContext, scrolled: (Int) -> Mode,
                            act: (KeyAction?) -> Void) {
        needsFull = true
        switch k {
        case .down, .char("j"): mode = scrolled(scroll + 1)
        case .up, .char("k"): mode = scrolled(max(0, scroll - 1))
        default:
            mode = .normal
            act(keys.action(for: k, in: context))
        }
    }

    /// `row` as the last refresh listed it (status, duration and idle time move on), else as it was.
    func liveSession(_ row: SessionRow) -> SessionRow { (active + history).first { $0.id == row.id } ?? row }

    /// The Audit view filtered to `id` (an instance or a session): its trail among the events loaded.
    func showAuditTrail(of id: String) {
        workspace.show(.audit)
        audit.filter = id
        audit.cursor = ListCursor()
        needsFull = true
        viewDirty = true  // the Audit view, just shown, is fetched at once (updateRefreshScope)
    }

    func handleListKey(_ k: KeyChord) {
        if k == .ctrl("c") { running = false; return }
        guard let action = keys.action(for: k, in: listContext) ?? keys.action(for: k, in: .list) ?? keys.action(for: k, in: .global) else { return }
        perform(action)
    }

    func perform(_ action: KeyAction) {
        viewDirty = true
        switch action {
        case .quit: running = false
        case .help: mode = .help(0); needsFull = true
        case .commandLine, .paneCommandLine: mode = .command("")
        case .showFleet: workspace.show(.fleet); needsFull = true
        case .showSessions: workspace.show(.sessions); needsFull = true
        case .showAudit: workspace.show(.audit); needsFull = true
        case .nextTab, .paneNextTab: workspace.nextTab(); needsFull = true
        case .previousTab, .panePreviousTab: workspace.previousTab(); needsFull = true
        case .refresh: refreshNow()
        case .moveUp: moveCursor(-1)
        case .moveDown: moveCursor(1)
        case .pageUp: moveCursor(-max(1, surface.rows - 5))
        case .pageDown: moveCursor(max(1, surface.rows - 5))
        case .top: moveCursor(-1_000_000)
        case .bottom: moveCursor(1_000_000)
        case .filter: mode = .filter(currentFilter)
        case .clearFilter: setFilter("")
        case .sortNext: fleet.cycleSort()
        case .sortReverse: fleet.sortDescending.toggle()
        case .connect: if let i = fleet.selectedInstance { openPane(for: i, split: nil) }
        case .connectSplitVertical: if let i = fleet.selectedInstance { openPane(for: i, split: .vertical) }
        case .connectSplitHorizontal: if let i = fleet.selectedInstance { openPane(for: i, split: .horizontal) }
        case .toggleGrouping: fleet.groupEKS.toggle()
        case .deregisterInstance:
            if let i = fleet.selectedInstance {
                if source is any InstanceAdministration { mode = .confirmDeregister(i); needsFull = true } else {
                    show("this fleet source cannot deregister instances", error: true)
                }
            } else {
                show("select an instance to deregister", error: true)
            }
        case .instanceDetails:
            if let i = fleet.selectedInstance { mode = .instanceDetails(i.id, 0); needsFull = true } else {
                show("select an instance to see its details", error: true)
            }
        case .sessionDetails:
            if let row = sessions.selected { mode = .sessionDetails(row, 0); needsFull = true } else {
                show("select a session to see its details", error: true)
            }
        case .auditTrail:
            let id: String?
            if case .sessions = workspace.active.kind { id = sessions.selected?.id } else { id = fleet.selectedInstance?.id }
            if let id { showAuditTrail(of: id) } else { show("select a row to see its audit events", error: true) }
        case .toggleHistory:
            sessions.showHistory.toggle()
            sessions.update(sessions.showHistory ? history : active)
        case .terminateSession:
            if sessions.requestTerminate(), let row = sessions.pendingTerminate { mode = .confirmTerminate(row); needsFull = true } else {
                show("select an active session to terminate", error: true)
            }
        case .auditDetails:
            // The row as it is now: follow mode may move the list under the box, the box keeps this event.
            if let row = audit.selectedRow { mode = .auditDetails(row, 0); needsFull = true } else {
                show("select an audit event to see its details", error: true)
            }
        case .toggleFollow: audit.follow.toggle(); if audit.follow { audit.cursor = ListCursor() }
        case .paneLeave: workspace.show(.fleet); needsFull = true
        case .paneClose: if let p = focusedPane { mode = .confirmClosePane(p.id); needsFull = true }
        case .paneSplitVertical, .paneSplitHorizontal:
            if let p = focusedPane, let inst = fleet.rows.first(where: { $0.id == p.target }) {
                openPane(for: inst, split: action == .paneSplitVertical ? .vertical : .horizontal)
            }
        case .paneFocusNext: workspace.focusNextPane(); needsFull = true
        case .paneCopyMode: if let p = focusedPane { p.copyMode = true; p.scrollback = 0; p.needsFull = true }
        case .paneSendPrefix: if let p = focusedPane { p.send(encode(keys.prefix, p.screen)) }
        case .copyExit, .copyUp, .copyDown, .copyPageUp, .copyPageDown, .copyTop, .copyBottom:
            if let p = focusedPane { scrollCopy(p, action) }
        case .replaySession, .replayAuditSession, .replayPause, .replayFaster, .replaySlower, .replayStep,
             .replaySeekForward, .replaySeekBackward, .replayStart, .replayEnd, .replayClose:
            performReplay(action)
        }
    }

    func handlePaneKey(_ k: KeyChord) {
        guard let pane = focusedPane else { return }
        if pane.copyMode {
            if let a = keys.action(for: k, in: .copy) { perform(a) }
            return
        }
        if prefixPending {
            prefixPending = false
            viewDirty = true
            if let a = keys.action(for: k, in: .pane) { perform(a) } else if k == .char("?") { perform(.help) } else {
                show("\(k.displayName) is not bound after \(keys.prefix.displayName); press ? for help", error: true)
            }
            return
        }
        if k == keys.prefix {
            prefixPending = true
            viewDirty = true
            return
        }
        pane.send(encode(k, pane.screen))
    }

    func encode(_ k: KeyChord, _ s: TerminalScreen) -> [UInt8] {
        switch k {
        case .char(let u): return s.encode(character: u)
        case .ctrl(let u): return s.encode(character: u, modifiers: .ctrl)
        case .alt(let u): return s.encode(character: u, modifiers: .alt)
        case .enter: return s.encode(key: .enter)
        case .tab: return s.encode(key: .tab)
        case .backTab: return s.encode(key: .tab, modifiers: .shift)
        case .escape: return s.encode(key: .escape)
        case .backspace: return s.encode(key: .backspace)
        case .delete: return s.encode(key: .delete)
        case .insert: return s.encode(key: .insert)
        case .up: return s.encode(key: .up)
        case .down: return s.encode(key: .down)
        case .left: return s.encode(key: .left)
        case .right: return s.encode(key: .right)
        case .home: return s.encode(key: .home)
        case .end: return s.encode(key: .end)
        case .pageUp: return s.encode(key: .pageUp)
        case .pageDown: return s.encode(key: .pageDown)
        case .function(let n): return s.encode(key: .function(n))
        case .resize: return []
        }
    }

    private func scrollCopy(_ p: Pane, _ a: KeyAction) {
        let page = max(1, p.screen.rows - 1)
        switch a {
        case .copyExit: p.copyMode = false; p.scrollback = 0
        case .copyUp: p.scrollback += 1
        case .copyDown: p.scrollback -= 1
        case .copyPageUp: p.scrollback += page
        case .copyPageDown: p.scrollback -= page
        case .copyTop: p.scrollback = p.screen.scrollbackCount
        case .copyBottom: p.scrollback = 0
        default: break
        }
        p.scrollback = max(0, min(p.scrollback, p.screen.scrollbackCount))
        p.needsFull = true
        viewDirty = true
    }

    private func moveCursor(_ d: Int) {
        switch workspace.active.kind {
        case .fleet: fleet.cursor.move(by: d, count: fleet.lines.count)
        case .sessions: sessions.cursor.move(by: d, count: sessions.visible.count)
        case .audit:
            audit.cursor.move(by: d, count: audit.visible.count)
            if d != 0 { audit.follow = audit.cursor.selected == 0 }
            if d > 0 { loadOlderAuditIfWanted() }
        case .panes: break
        }
    }

    /// Down at the end of the Audit list fetches the next older page (one at a time).
    private func loadOlderAuditIfWanted() {
        guard audit.wantsOlder, let token = audit.olderToken else { return }
        audit.fetchingOlder()
        fetchOlderAudit(token)
    }

    /// While the Audit view is shown with a filter whose matches do not fill it, fetches older pages by itself (up
    /// to `AuditModel.filterPages` per filter): an audit trail (`a`) then reaches past the newest page.
    func loadOlderAuditForFilter() {
        guard case .audit = workspace.active.kind, mode == .normal,
              audit.wantsOlderForFilter(height: max(1, surface.rows - 5)), let token = audit.olderToken else { return }
        audit.fetchingOlderForFilter()
        fetchOlderAudit(token)
    }

    private func fetchOlderAudit(_ token: String) {
        viewDirty = true
        let source = self.source, inbox = self.inbox
        Task.detached {
            do {
                let page = try await source.auditEvents(.older(token, limit: ConsoleFetch.auditPageSize))
                inbox.post(.auditOlder(page, token: token))
            } catch {
                inbox.post(.auditOlderFailed("\(error)"))
            }
        }
    }

    private var currentFilter: String {
        switch workspace.active.kind {
        case .fleet: return fleet.filter.text
        case .sessions: return sessions.filter
        case .audit: return audit.filter
        case .panes: return ""
        }
    }

    private func setFilter(_ t: String) {
        switch workspace.active.kind {
        case .fleet: fleet.filter = FleetFilter(t); fleet.cursor = ListCursor()
        case .sessions: sessions.filter = t; sessions.cursor = ListCursor()
        case .audit: audit.filter = t
        case .panes: break
        }
        viewDirty = true
    }

    private func editFilter(_ text: String, _ k: KeyChord) {
        switch k {
        case .enter: mode = .normal
        case .escape: mode = .normal; setFilter("")
        case .backspace: let t = String(text.dropLast()); mode = .filter(t); setFilter(t)
        case .char(let u): let t = text + String(Character(u)); mode = .filter(t); setFilter(t)
        case .down, .up: mode = .normal; moveCursor(k == .down ? 1 : -1)
        default: break
        }
        viewDirty = true
    }

    private func editCommand(_ text: String, _ k: KeyChord) {
        switch k {
        case .enter: mode = .normal; execute(text)
        case .escape, .ctrl("c"): mode = .normal
        case .backspace: mode = text.isEmpty ? .normal : .command(String(text.dropLast()))
        case .char(let u): mode = .command(text + String(Character(u)))
        default: break
        }
        viewDirty = true
    }

    func execute(_ text: String) {
        switch ConsoleCommandLine.parse(text) {
        case .failure(let e): show(e.message, error: true)
        case .success(.quit): running = false
        case .success(.help): mode = .help(0); needsFull = true
        case .success(.context): show("context: \(source.contextName) (start gangway with --profile / --endpoint-url to change it)", error: false)
        case .success(.show(let kind)): workspace.show(kind); needsFull = true
        case .success(.listThemes): show("themes: " + (themes.available().isEmpty ? ["default"] : themes.available()).joined(separator: ", ") + " (current: \(theme.name))", error: false)
        case .success(.theme(let name)):
            do {
                theme = try themes.load(name)
                surface.resetColors()
                for p in panes.values { p.needsFull = true }
                for r in replays.values { r.needsFull = true }
                needsFull = true
                show("theme \(theme.name)", error: false)
            } catch {
                show("\(error)", error: true)
            }
        }
    }
}

extension ConsoleLoop {
    /// DeregisterManagedInstance for a confirmed instance, then a refresh (it leaves the list).
    func deregister(_ inst: InstanceRow) {
        guard let admin = source as? any InstanceAdministration else { return }
        let source = self.source, inbox = self.inbox
        let name = inst.name.isEmpty || inst.name == inst.id ? inst.id : "\(inst.name) (\(inst.id))"
        Task.detached {
            do {
                try await admin.deregister(instanceId: inst.id)
                inbox.post(.message("deregistered \(name)", isError: false))
            } catch {
                inbox.post(.message("could not deregister \(name): \(error)", isError: true))
            }
            await ConsoleFetch.run(.all, source: source, inbox: inbox)
        }
    }
}
