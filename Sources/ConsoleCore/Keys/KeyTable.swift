/// The console's key bindings as data: help, hints and overrides all come from this one table.
public struct KeyTable: Sendable, Hashable {
    public var bindings: [KeyBinding]
    /// The key that, inside a session pane, switches the next key to the `pane` context (default Ctrl-g).
    public var prefix: KeyChord

    public init(bindings: [KeyBinding], prefix: KeyChord = .ctrl("g")) {
        self.bindings = bindings
        self.prefix = prefix
    }

    /// The action bound to `key` in `context`, or nil.
    public func action(for key: KeyChord, in context: KeyContext) -> KeyAction? {
        bindings.first { $0.context == context && $0.keys.contains(key) }?.action
    }

    public func binding(for action: KeyAction) -> KeyBinding? { bindings.first { $0.action == action } }

    public static let defaults: KeyTable = {
        func k(_ names: String...) -> [KeyChord] { names.compactMap(KeyChord.init(name:)) }
        return KeyTable(bindings: [
            KeyBinding(k("q", "ctrl-c"), .quit, "quit the console", context: .global),
            KeyBinding(k("?"), .help, "show this help", context: .global),
            KeyBinding(k(":"), .commandLine, "command line (:theme NAME, :ctx, :q)", context: .global),
            KeyBinding(k("1"), .showFleet, "Fleet view", context: .global),
            KeyBinding(k("2"), .showSessions, "Sessions view", context: .global),
            KeyBinding(k("3"), .showAudit, "Audit view", context: .global),
            KeyBinding(k("tab", "]"), .nextTab, "next tab", context: .global),
            KeyBinding(k("shift-tab", "["), .previousTab, "previous tab", context: .global),
            KeyBinding(k("ctrl-r"), .refresh, "refresh now", context: .global),

            KeyBinding(k("up", "k"), .moveUp, "move up", context: .list),
            KeyBinding(k("down", "j"), .moveDown, "move down", context: .list),
            KeyBinding(k("pgup", "ctrl-b"), .pageUp, "page up", context: .list),
            KeyBinding(k("pgdn", "ctrl-f"), .pageDown, "page down", context: .list),
            KeyBinding(k("home", "g"), .top, "first row", context: .list),
            KeyBinding(k("end", "G"), .bottom, "last row", context: .list),
            KeyBinding(k("/"), .filter, "filter (fuzzy; tag:key=value)", context: .list),
            KeyBinding(k("esc"), .clearFilter, "clear the filter", context: .list),
            KeyBinding(k("s"), .sortNext, "sort by the next column", context: .list),
            KeyBinding(k("S"), .sortReverse, "reverse the sort order", context: .list),

            KeyBinding(k("enter", "c"), .connect, "open a shell on the instance in a new tab", context: .fleet),
            KeyBinding(k("v"), .connectSplitVertical, "open a shell beside the current pane", context: .fleet),
            KeyBinding(k("h"), .connectSplitHorizontal, "open a shell below the current pane", context: .fleet),
            KeyBinding(k("i"), .instanceDetails, "details: platform, tags, registration, who is on it", context: .fleet),
            KeyBinding(k("a"), .auditTrail, "audit events of the instance (Audit view, filtered)", context: .fleet),
            KeyBinding(k("e"), .toggleGrouping, "group EKS nodes by cluster / nodegroup", context: .fleet),
            KeyBinding(k("D"), .deregisterInstance, "deregister the instance (a decommissioned host)", dangerous: true,
                       context: .fleet),

            KeyBinding(k("enter", "i"), .sessionDetails, "details: the whole reason, why it ended, times", context: .sessions),
            KeyBinding(k("a"), .auditTrail, "audit events of the session (Audit view, filtered)", context: .sessions),
            KeyBinding(k("H"), .toggleHistory, "toggle active / history", context: .sessions),
            KeyBinding(k("ctrl-k", "x"), .terminateSession, "terminate the session", dangerous: true, context: .sessions),
            KeyBinding(k("r"), .replaySession, "replay the session's recording in a new tab", context: .sessions),

            KeyBinding(k("enter", "i"), .auditDetails, "details: why it failed, the request, key, client, log record",
                       context: .audit),
            KeyBinding(k("f"), .toggleFollow, "follow new events", context: .audit),
            KeyBinding(k("r"), .replayAuditSession, "replay the recording of the event's session", context: .audit),

            KeyBinding(k("d", "esc"), .paneLeave, "leave the pane (back to the Fleet view)", context: .pane),
            KeyBinding(k("x"), .paneClose, "close the pane (terminates its session)", dangerous: true, context: .pane),
            KeyBinding(k("%", "|"), .paneSplitVertical, "split: open the next shell beside", context: .pane),
            KeyBinding(k("\"", "-"), .paneSplitHorizontal, "split: open the next shell below", context: .pane),
            KeyBinding(k("o", "tab"), .paneFocusNext, "focus the next pane", context: .pane),
            KeyBinding(k("["), .paneCopyMode, "copy / scroll mode", context: .pane),
            KeyBinding(k("n"), .paneNextTab, "next tab", context: .pane),
            KeyBinding(k("p"), .panePreviousTab, "previous tab", context: .pane),
            KeyBinding(k(":"), .paneCommandLine, "command line", context: .pane),
            KeyBinding(k("ctrl-g"), .paneSendPrefix, "send the prefix key itself to the shell", context: .pane),

            KeyBinding(k("q", "esc"), .copyExit, "leave copy mode", context: .copy),
            KeyBinding(k("up", "k"), .copyUp, "scroll up a line", context: .copy),
            KeyBinding(k("down", "j"), .copyDown, "scroll down a line", context: .copy),
            KeyBinding(k("pgup", "ctrl-b"), .copyPageUp, "scroll up a page", context: .copy),
            KeyBinding(k("pgdn", "ctrl-f"), .copyPageDown, "scroll down a page", context: .copy),
            KeyBinding(k("g"), .copyTop, "oldest line", context: .copy),
            KeyBinding(k("G"), .copyBottom, "back to the live screen", context: .copy),

            KeyBinding(k("space"), .replayPause, "pause / resume", context: .replay),
            KeyBinding(k("+", "="), .replayFaster, "faster (up to 16×)", context: .replay),
            KeyBinding(k("-"), .replaySlower, "slower (down to 0.5×)", context: .replay),
            KeyBinding(k("."), .replayStep, "step one event (pauses)", context: .replay),
            KeyBinding(k("right", "l"), .replaySeekForward, "seek forward 5 s", context: .replay),
            KeyBinding(k("left", "h"), .replaySeekBackward, "seek back 5 s", context: .replay),
            KeyBinding(k("g", "home"), .replayStart, "back to the start", context: .replay),
            KeyBinding(k("G", "end"), .replayEnd, "jump to the end", context: .replay),
            KeyBinding(k("q", "esc"), .replayClose, "close the replay tab", context: .replay),
        ])
    }()
}
