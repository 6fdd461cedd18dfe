/// Everything a key can do. The raw value is the name used in config files (`[keys] "fleet.connect" = "c"`).
public enum KeyAction: String, Sendable, CaseIterable, Hashable {
    // global (list views)
    case quit = "app.quit"
    case help = "app.help"
    case commandLine = "app.command"
    case showFleet = "view.fleet"
    case showSessions = "view.sessions"
    case showAudit = "view.audit"
    /// The Audit view filtered to the selected instance or session (its audit trail).
    case auditTrail = "view.audit-trail"
    case nextTab = "tab.next"
    case previousTab = "tab.previous"
    case refresh = "app.refresh"
    // lists
    case moveUp = "list.up"
    case moveDown = "list.down"
    case pageUp = "list.page-up"
    case pageDown = "list.page-down"
    case top = "list.top"
    case bottom = "list.bottom"
    case filter = "list.filter"
    case clearFilter = "list.clear-filter"
    case sortNext = "list.sort"
    case sortReverse = "list.sort-reverse"
    // fleet
    case connect = "fleet.connect"
    case connectSplitVertical = "fleet.connect-vsplit"
    case connectSplitHorizontal = "fleet.connect-hsplit"
    case toggleGrouping = "fleet.group"
    case deregisterInstance = "fleet.deregister"
    case instanceDetails = "fleet.details"
    // sessions
    case toggleHistory = "sessions.history"
    case terminateSession = "sessions.terminate"
    case replaySession = "sessions.replay"
    case sessionDetails = "sessions.details"
    // audit
    case toggleFollow = "audit.follow"
    case replayAuditSession = "audit.replay"
    case auditDetails = "audit.details"
    // panes: after the prefix key
    case paneLeave = "pane.leave"
    case paneClose = "pane.close"
    case paneSplitVertical = "pane.split-vertical"
    case paneSplitHorizontal = "pane.split-horizontal"
    case paneFocusNext = "pane.focus-next"
    case paneCopyMode = "pane.copy-mode"
    case paneSendPrefix = "pane.send-prefix"
    case paneNextTab = "pane.next-tab"
    case panePreviousTab = "pane.previous-tab"
    case paneCommandLine = "pane.command"
    // copy / scroll mode
    case copyExit = "copy.exit"
    case copyUp = "copy.up"
    case copyDown = "copy.down"
    case copyPageUp = "copy.page-up"
    case copyPageDown = "copy.page-down"
    case copyTop = "copy.top"
    case copyBottom = "copy.bottom"
    // replay panes (no shell behind them: keys act directly)
    case replayPause = "replay.pause"
    case replayFaster = "replay.faster"
    case replaySlower = "replay.slower"
    case replayStep = "replay.step"
    case replaySeekForward = "replay.seek-forward"
    case replaySeekBackward = "replay.seek-backward"
    case replayStart = "replay.start"
    case replayEnd = "replay.end"
    case replayClose = "replay.close"
}

/// Where a binding applies. Pane keys are reached through the prefix key; everything else typed in a pane
/// goes to the remote shell.
public enum KeyContext: String, Sendable, CaseIterable, Hashable {
    case global, list, fleet, sessions, audit, pane, copy, replay

    public var title: String {
        switch self {
        case .global: return "Global"
        case .list: return "Lists"
        case .fleet: return "Fleet"
        case .sessions: return "Sessions"
        case .audit: return "Audit"
        case .pane: return "Session panes (after the prefix key)"
        case .copy: return "Copy / scroll mode"
        case .replay: return "Replay panes (other keys: Global)"
        }
    }
}

/// One key binding: keys, what they do, a help line, and whether the action is dangerous (asks to confirm).
public struct KeyBinding: Sendable, Hashable {
    public var keys: [KeyChord]
    public var action: KeyAction
    public var description: String
    public var dangerous: Bool
    public var context: KeyContext

    public init(_ keys: [KeyChord], _ action: KeyAction, _ description: String, dangerous: Bool = false, context: KeyContext) {
        self.keys = keys
        self.action = action
        self.description = description
        self.dangerous = dangerous
        self.context = context
    }
}
