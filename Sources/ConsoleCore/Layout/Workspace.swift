/// What a tab shows.
public enum TabKind: Sendable, Hashable {
    case fleet, sessions, audit
    case panes(PaneLayout)
}

public struct Tab: Sendable, Hashable {
    /// Stable for the tab's life (positions shift when a tab before it closes).
    public let id: Int
    public var kind: TabKind
    public var title: String
    /// For pane tabs: the focused pane.
    public var focusedPane: PaneID?
}

/// Tabs and pane layouts of the console: three fixed view tabs, then one tab per group of session panes.
/// Screen areas: header (row 0), tab bar (row 1), body, command/message line (last row). No I/O.
public struct Workspace: Sendable {
    public private(set) var tabs: [Tab] = [
        Tab(id: 0, kind: .fleet, title: "Fleet"), Tab(id: 1, kind: .sessions, title: "Sessions"),
        Tab(id: 2, kind: .audit, title: "Audit"),
    ]
    /// The tab shown. Closing it returns to the tab shown before it (as tmux does), not to its left neighbour: a
    /// shell opened from the Fleet view and ended goes back to the Fleet view.
    public var activeTab = 0 {
        didSet {
            guard oldValue != activeTab, tabs.indices.contains(oldValue) else { return }
            let left = tabs[oldValue].id
            recentTabs.removeAll { $0 == left }
            recentTabs.append(left)
            if recentTabs.count > 32 { recentTabs.removeFirst() }
        }
    }
    /// Ids of the tabs shown before the active one, the latest last.
    private var recentTabs: [Int] = []
    private var nextTabID = 3
    private var nextPaneID: PaneID = 1

    public init() {}

    public var active: Tab { tabs[activeTab] }

    public static func header(rows: Int, cols: Int) -> Rect { Rect(row: 0, col: 0, rows: 1, cols: cols) }
    public static func tabBar(rows: Int, cols: Int) -> Rect { Rect(row: 1, col: 0, rows: 1, cols: cols) }
    public static func body(rows: Int, cols: Int) -> Rect { Rect(row: 2, col: 0, rows: max(1, rows - 3), cols: cols) }
    public static func commandLine(rows: Int, cols: Int) -> Rect { Rect(row: max(0, rows - 1), col: 0, rows: 1, cols: cols) }

    public mutating func allocatePaneID() -> PaneID {
        defer { nextPaneID += 1 }
        return nextPaneID
    }

    /// Opens a new tab holding one pane and focuses it.
    public mutating func openTab(pane: PaneID, title: String) {
        tabs.append(Tab(id: nextTabID, kind: .panes(.pane(pane)), title: title, focusedPane: pane))
        nextTabID += 1
        activeTab = tabs.count - 1
    }

    /// Splits the focused pane of the active pane tab; falls back to a new tab when a view tab is active.
    public mutating func split(with pane: PaneID, axis: SplitAxis, title: String) {
        guard case .panes(let layout) = active.kind, let focus = active.focusedPane else {
            openTab(pane: pane, title: title)
            return
        }
        tabs[activeTab].kind = .panes(layout.splitting(focus, with: pane, axis: axis))
        tabs[activeTab].focusedPane = pane
    }

    /// The most recent pane tab, to split into from the Fleet view.
    public var lastPaneTab: Int? { tabs.lastIndex { if case .panes = $0.kind { return true }; return false } }

    /// Removes a pane wherever it is; an emptied tab closes. When that tab was the active one, the tab shown before
    /// it becomes active again (its left neighbour if none of those is left); otherwise the active tab stays.
    public mutating func removePane(_ pane: PaneID) {
        for i in tabs.indices {
            guard case .panes(let layout) = tabs[i].kind, layout.paneIDs.contains(pane) else { continue }
            if let rest = layout.removing(pane) {
                tabs[i].kind = .panes(rest)
                if tabs[i].focusedPane == pane { tabs[i].focusedPane = rest.paneIDs.first }
            } else {
                let closed = tabs[i].id
                let shown = tabs[activeTab].id
                tabs.remove(at: i)
                recentTabs.removeAll { $0 == closed }
                let back = shown == closed
                    ? recentTabs.last.flatMap { id in tabs.firstIndex { $0.id == id } } ?? max(0, i - 1)
                    : tabs.firstIndex { $0.id == shown } ?? 0
                // Not through didSet: the closed tab is not one to come back to.
                setActiveWithoutHistory(back)
            }
            return
        }
    }

    private mutating func setActiveWithoutHistory(_ index: Int) {
        let saved = recentTabs
        activeTab = index
        recentTabs = saved
        recentTabs.removeAll { $0 == tabs[index].id }
    }

    public mutating func focusNextPane() {
        guard case .panes(let layout) = active.kind, let f = active.focusedPane,
              let i = layout.paneIDs.firstIndex(of: f) else { return }
        let ids = layout.paneIDs
        tabs[activeTab].focusedPane = ids[(i + 1) % ids.count]
    }

    public mutating func nextTab() { activeTab = (activeTab + 1) % tabs.count }
    public mutating func previousTab() { activeTab = (activeTab + tabs.count - 1) % tabs.count }

    public mutating func show(_ kind: TabKind) {
        if let i = tabs.firstIndex(where: { $0.kind == kind }) { activeTab = i }
    }

    /// Every pane and its outer rect for a screen of the given size (only the active tab's panes are visible,
    /// but every pane has a size so hidden panes keep the right PTY size).
    public func paneRects(rows: Int, cols: Int) -> [PaneID: Rect] {
        var out: [PaneID: Rect] = [:]
        for t in tabs { if case .panes(let l) = t.kind { out.merge(l.rects(in: Self.body(rows: rows, cols: cols))) { a, _ in a } } }
        return out
    }

    public var allPaneIDs: [PaneID] {
        tabs.flatMap { t -> [PaneID] in if case .panes(let l) = t.kind { return l.paneIDs }; return [] }
    }
}
