/// Optional capability of a ShellChannel: whether the server records the session (shows ● REC in the pane).
public protocol SessionRecordingInfo {
    var isRecorded: Bool { get }
}
