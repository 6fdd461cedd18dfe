import AWSCore
import Foundation

/// `GetSessionRecording` answer (Gangway extension of the SSM API; AWS itself does not have it).
public struct SessionRecordingOutput: Codable, Sendable, Equatable {
    public var SessionId: String?
    /// `asciicast-v2`.
    public var Format: String?
    /// The recording's text (asciicast v2 JSON lines).
    public var Recording: String?
}

extension SSMClient {
    /// Fetches the recording of `sessionId` from gangwayd (`AmazonSSM.GetSessionRecording`). Throws `AWSError`
    /// `DoesNotExistException` (no such session, or not recorded), `AccessDeniedException`
    /// (no `gangway:GetSessionRecording`), `ValidationException` (an id that is not a session id).
    public func sessionRecording(sessionId: String) async throws -> SessionRecordingOutput {
        try await json.call("GetSessionRecording", SessionIdInput(SessionId: sessionId))
    }
}
