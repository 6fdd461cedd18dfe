/// Every place the console draws with a themed style. A theme file may set any of these under `[roles]`;
/// an unknown name is an error, a missing one falls back to the built-in default theme.
public enum ThemeRole: String, Sendable, CaseIterable, Hashable {
    case base                       // background of list views
    case header                     // top line: context and counts
    case headerAlert = "header-alert"   // counts that need attention (lost agents, drift)
    case tabbar
    case tabActive = "tab-active"
    case tableHeader = "table-header"
    case row
    case selection
    case group                      // EKS cluster / nodegroup lines
    case statusOnline = "status-online"
    case statusLost = "status-lost"
    case statusOther = "status-other"
    case border
    case paneActive = "pane-active"     // border / status line of the focused pane
    case paneStatus = "pane-status"
    case recording                  // the ● REC indicator
    case commandLine = "command-line"
    case help
    case dialog
    case danger                     // dangerous confirmations
    case error
    case dim
    case filter                     // the active filter text
}
