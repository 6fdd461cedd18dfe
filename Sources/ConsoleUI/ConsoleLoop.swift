import ConsoleCore
import Foundation
import Logging
import Synchronization
import TerminalModel
#if canImport(Glibc)
import Glibc
#endif

/// The console's UI thread: one loop that reads keys, applies events from async tasks, feeds panes in bounded
/// batches and redraws damaged parts at most 60 times a second. Owns every ncurses call.
final class ConsoleLoop {
    static let log = Logger(label: "gangway.console")
    enum Mode: Equatable {
        case normal
        case filter(String)
        case command(String)
        case help(Int)
        case confirmTerminate(SessionRow)
        case confirmClosePane(PaneID)
        case confirmDeregister(InstanceRow)
        /// The instance details box (`i`) for an instance id, scrolled by this many lines.
        case instanceDetails(String, Int)
        /// The audit event details box (`i`/Enter in the Audit view) for an event, scrolled by this many lines.
        case auditDetails(AuditRow, Int)
        /// The session details box (`i`/Enter in the Sessions view), scrolled by this many lines.
        case sessionDetails(SessionRow, Int)
    }

    let source: any FleetSource
    let inbox = UIInbox()
    var surface: NcursesSurface!
    var theme: Theme
    let themes: ThemeLibrary
    var keys: KeyTable
    var workspace = Workspace()
    var fleet = FleetModel()
    var sessions = SessionsModel()
    var history: [SessionRow] = []
    var active: [SessionRow] = []
    var audit = AuditModel()
    var panes: [PaneID: Pane] = [:]
    var replays: [PaneID: ReplayPaneView] = [:]
    var mode = Mode.normal
    var prefixPending = false
    var message: (text: String, isError: Bool, until: Date)?
    var needsFull = true
    var viewDirty = true
    var running = true
    var lastDraw: UInt64 = 0
    var lastSecond = 0
    var refreshTask: Task<Void, Never>?
    /// Which of the on-demand views (session history, audit) the periodic refresh fetches: the shown ones.
    let refreshScope = RefreshScope()
    /// Frames drawn (for tests and benches through GANGWAY_CONSOLE_STATS).
    var frames = 0

    static let frameInterval: UInt64 = 16_666_667     // ≤ 60 redraws/s
    static let tickMillis: Int32 = 10
    static let drainBudget: UInt64 = 6_000_000        // ns of output parsing per tick, then keys again
    static let drainChunk = 64 * 1024
    static let floodBacklog = 256 * 1024             // bytes waiting for a pane before FloodSkip is tried

    init(source: any FleetSource, theme: Theme, keys: KeyTable, themes: ThemeLibrary) {
        self.source = source
        self.theme = theme
        self.keys = keys
        self.themes = themes
    }

    /// Runs until quit; returns the tasks closing the remaining sessions.
    func run() -> [Task<Void, Never>] {
        surface = NcursesSurface()
        startRefreshing()
        while running, !ConsoleApp.quitRequested {
            waitForInput()
            inbox.drainWakeups()
            var n = 0
            while n < 512, running, let k = surface.readKey() { handle(key: k); n += 1 }
            for e in inbox.takeEvents() { handle(event: e) }
            updateRefreshScope()
            loadOlderAuditForFilter()
            drainOutput()
            tickReplays()
            drawIfDue()
        }
        refreshTask?.cancel()
        replays.values.forEach { $0.loadTask?.cancel() }
        inbox.close()
        surface.end()
        return panes.values.compactMap { p in p.channel.map { ch in Task.detached { await ch.close() } } }
    }

    private func waitForInput() {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 2, inbox.hasOutput ? 0 : Self.tickMillis)
        // The terminal went away (hang-up, closed pty): quit instead of spinning on a dead descriptor.
        if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { running = false }
    }

    // MARK: refresh

    /// Every `refreshSeconds` (slower while the API throttles: `ConsoleFetch.periodically`): the fleet and the active
    /// sessions (the header counts them), and the session history or the audit events only while shown. Every API
    /// call is an audit record on gangwayd (and a CloudTrail event on AWS): fetching all four every 2 s made an idle
    /// console write ~2 records a second, day and night.
    func startRefreshing() {
        let source = self.source, inbox = self.inbox, scope = refreshScope, base = Self.refreshSeconds
        refreshTask = Task.detached {
            await ConsoleFetch.periodically(scope: scope, base: base, source: source, inbox: inbox)
        }
    }

    static let refreshSeconds = 5.0

    /// Everything, now (Ctrl-r, after a session ended or was terminated).
    func refreshNow() {
        let source = self.source, inbox = self.inbox
        Task.detached { await ConsoleFetch.run(.all, source: source, inbox: inbox) }
    }

    /// Tells the refresh which on-demand views are shown; a view just shown is fetched at once.
    func updateRefreshScope() {
        var shown: ConsoleFetch.Views = []
        if case .sessions = workspace.active.kind, sessions.showHistory { shown.insert(.history) }
        if case .audit = workspace.active.kind { shown.insert(.audit) }
        let newly = refreshScope.show(shown)
        guard !newly.isEmpty else { return }
        let source = self.source, inbox = self.inbox
        Task.detached { await ConsoleFetch.run(newly, source: source, inbox: inbox) }
    }

    // MARK: events

    func handle(event: UIInbox.Event) {
        switch event {
        case .fleet(let rows): fleet.update(rows); sessions.setFleet(rows); viewDirty = true
        case .fleetFailed(let text): fleet.fetchFailed(text, at: Date()); viewDirty = true
        case .sessions(let rows, let isHistory):
            if isHistory { history = rows } else { active = rows; fleet.sessionsOpen = rows.count }
            sessions.update(sessions.showHistory ? history : active)
            viewDirty = true
        case .audit(let page): audit.receiveNewest(page); viewDirty = true
        case .auditOlder(let page, let token): audit.receiveOlder(page, token: token); viewDirty = true
        case .auditOlderFailed(let text):
            audit.olderFailed()
            show("cannot load older audit events: \(text)", error: true)
            viewDirty = true
        case .shellOpened(let id, let channel):
            guard let pane = panes[id] else { Task.detached { await channel.close() }; return }
            pane.attach(channel, inbox: inbox)
            pane.resize(rows: pane.screen.rows, cols: pane.screen.cols)
            refreshNow()
            viewDirty = true
        case .shellFailed(let id, let text):
            Self.log.warning("\(text)")
            removePane(id)
            show(text, error: true)
        case .paneExited(let id, let text):
            if let pane = panes[id] {
                // The console's log file keeps why each shell ended; the message line shows it for a few seconds.
                Self.log.info("shell on \(pane.targetName) (\(pane.target)) ended: \(text)")
                drainAll(id)
                removePane(id)
                show(text, error: false)
                refreshNow()
            }
        case .message(let text, let isError): show(text, error: isError)
        case .replayLoaded(let id, let recording): replayLoaded(id, recording)
        case .replayFailed(let id, let text): replayFailed(id, text)
        }
    }

    func show(_ text: String, error: Bool) {
        message = (text, error, Date().addingTimeInterval(error ? 8 : 4))
        viewDirty = true
    }

    // MARK: panes

    func openPane(for inst: InstanceRow, split: SplitAxis?) {
        guard inst.pingStatus == .online else {
            show("\(inst.name) (\(inst.id)) is \(inst.pingStatus.rawValue); cannot open a shell until its agent reconnects", error: true)
            return
        }
        let id = workspace.allocatePaneID()
        if let axis = split, let t = workspace.lastPaneTab {
            workspace.activeTab = t
            workspace.split(with: id, axis: axis, title: inst.name)
        } else {
            workspace.openTab(pane: id, title: inst.name)
        }
        let rect = workspace.paneRects(rows: surface.rows, cols: surface.cols)[id]?.paneContent ?? Rect(row: 0, col: 0, rows: 24, cols: 80)
        panes[id] = Pane(id: id, target: inst.id, targetName: inst.name, rows: rect.rows, cols: rect.cols)
        relayout()
        needsFull = true
        let source = self.source, inbox = self.inbox, target = inst.id
        Task.detached {
            do {
                let ch = try await source.openShell(target: target, cols: rect.cols, rows: rect.rows)
                inbox.post(.shellOpened(id, ch))
            } catch {
                inbox.post(.shellFailed(id, "could not open a shell on \(target): \(error)"))
            }
        }
    }

    func closePane(_ id: PaneID) {
        guard let pane = panes[id] else { return }
        removePane(id)
        Task.detached { [channel = pane.channel] in await channel?.close() }
        pane.tasks.forEach { $0.cancel() }
        refreshNow()
    }

    func removePane(_ id: PaneID) {
        panes[id] = nil
        replays[id] = nil
        inbox.dropPane(id)
        workspace.removePane(id)
        relayout()
        needsFull = true
    }

    /// Sizes every pane's screen (and remote PTY) to its rect in the current layout.
    func relayout() {
        for (id, rect) in workspace.paneRects(rows: surface.rows, cols: surface.cols) {
            panes[id]?.resize(rows: rect.paneContent.rows, cols: rect.paneContent.cols)
        }
    }

    var focusedPane: Pane? {
        guard case .panes = workspace.active.kind, let f = workspace.active.focusedPane else { return nil }
        return panes[f]
    }

    // MARK: output

    /// Feeds pending shell output into the pane screens, round-robin in 64 KiB chunks, within a time budget,
    /// so a flood never starves key handling. A pane behind by more than `floodBacklog` first leaves out the part of
    /// the flood that would scroll out of its screen and scrollback unseen (`FloodSkip`), so it catches up at once.
    func drainOutput() {
        let start = DispatchTime.now().uptimeNanoseconds
        for (id, pane) in panes where pane.screen.parserAtRest && inbox.pendingBytes(id) >= Self.floodBacklog {
            let keep = Pane.scrollbackLines + 2 * pane.screen.rows  // see FloodSkip
            _ = inbox.dropSkippable(id) { FloodSkip.skip($0, keepLines: keep) }
        }
        var progressed = true
        while progressed && DispatchTime.now().uptimeNanoseconds - start < Self.drainBudget {
            progressed = false
            for (id, pane) in panes {
                let chunk = inbox.takeOutput(id, max: Self.drainChunk)
                if chunk.isEmpty { continue }
                progressed = true
                pane.screen.feed(chunk)
                pane.send(pane.screen.takeOutput())
                pane.lastActivity = Date()
            }
        }
    }

    private func drainAll(_ id: PaneID) {
        guard let pane = panes[id] else { return }
        while true {
            let chunk = inbox.takeOutput(id, max: Self.drainChunk)
            if chunk.isEmpty { break }
            pane.screen.feed(chunk)
        }
    }
}

/// The on-demand views the periodic refresh includes (set by the UI thread, read by the refresh task).
final class RefreshScope: Sendable {
    private let shown = Mutex<ConsoleFetch.Views>([])

    /// What the periodic refresh fetches: the fleet and the active sessions always, the shown on-demand views.
    var periodic: ConsoleFetch.Views { shown.withLock { $0 }.union([.fleet, .active]) }

    /// Records the shown on-demand views; returns those not shown before (to fetch at once).
    func show(_ views: ConsoleFetch.Views) -> ConsoleFetch.Views {
        shown.withLock { old in
            defer { old = views }
            return views.subtracting(old)
        }
    }
}

/// Fetches of the views' data, posted to the UI thread.
enum ConsoleFetch {
    struct Views: OptionSet, Sendable {
        let rawValue: Int
        static let fleet = Views(rawValue: 1)
        static let active = Views(rawValue: 2)
        static let history = Views(rawValue: 4)
        static let audit = Views(rawValue: 8)
        static let all: Views = [.fleet, .active, .history, .audit]
    }

    /// Audit events per fetch: a refresh's newest page, and each older page fetched as the selection reaches the
    /// end of the list. (A refresh used to fetch the newest 500, ten LookupEvents calls every 5 s; CloudTrail
    /// allows 2 a second. Fetched events stay in the list, so a refresh needs only what is new.)
    static let auditPageSize = 100

    /// The periodic refresh until cancelled: `scope`'s views every `base` seconds, slower while the API throttles
    /// (`RefreshPacing`), with a message when it slows down and when it is back.
    static func periodically(scope: RefreshScope, base: Double, source: any FleetSource, inbox: UIInbox) async {
        var pacing = RefreshPacing(base: base)
        while !Task.isCancelled {
            let throttled = await run(scope.periodic, source: source, inbox: inbox)
            let wasSlowed = pacing.interval > pacing.base
            let pause = pacing.after(throttled: throttled)
            if throttled {
                inbox.post(.message("the API is throttling the console's refresh: next one in \(RefreshPacing.text(pause)) s " +
                                    "(Ctrl-r refreshes now)", isError: true))
            } else if wasSlowed {
                inbox.post(.message("the API answers again: refreshing every \(RefreshPacing.text(pause)) s", isError: false))
            }
            try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
        }
    }

    /// Fetches `views` and posts what came; returns true when a fetch failed because the API throttled it.
    @discardableResult
    static func run(_ views: Views, source: any FleetSource, inbox: UIInbox) async -> Bool {
        var failures: [(view: String, error: String)] = []
        if views.contains(.fleet) {
            do { inbox.post(.fleet(try await source.instances())) } catch {
                inbox.post(.fleetFailed("\(error)"))
                failures.append(("fleet", "\(error)"))
            }
        }
        do {
            if views.contains(.active) { inbox.post(.sessions(try await source.sessions(history: false), history: false)) }
            if views.contains(.history) { inbox.post(.sessions(try await source.sessions(history: true), history: true)) }
        } catch { failures.append(("sessions", "\(error)")) }
        if views.contains(.audit) {
            do { inbox.post(.audit(try await source.auditEvents(.newest(limit: auditPageSize)))) } catch {
                failures.append(("audit", "\(error)"))
            }
        }
        if let text = RefreshFailures.message(failures) { inbox.post(.message(text, isError: true)) }
        return failures.contains { RefreshPacing.isThrottle($0.error) }
    }

}
