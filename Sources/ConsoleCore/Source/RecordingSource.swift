/// Optional capability of a FleetSource: fetching a session's recording (gangwayd's `GetSessionRecording`).
/// The console's replay panes use it; sources without it show "cannot fetch recordings" in the pane.
public protocol RecordingSource: Sendable {
    /// The recording text of `sessionId` (asciicast v2, or a `script` typescript). Throws an error whose
    /// description says what happened and what to do (access denied, no recording, not a gangwayd).
    func recordingText(sessionId: String) async throws -> String
}
