import Foundation

/// `AmazonSSM.GetSessionRecording` (a Gangway extension): the asciicast v2 recording of one session.
///
/// Request `{"SessionId": "alice-0123…"}` → `{"SessionId", "Format": "asciicast-v2", "Recording": "<.cast text>"}`.
/// Needs `gangway:GetSessionRecording` on the session id, also for the session's owner (recordings are sensitive;
/// only AdministratorAccess or a statement naming the action grants it). The recording is read from
/// `DATA_DIR/recordings/<id>.cast`, where `ControlPlaneServer.start` puts `FileSessionRecorder`'s files.
/// A live session's recording is returned as far as it has been written.
enum RecordingOperations {
    /// Larger recordings are refused rather than loaded into memory (and one JSON response).
    static let maxRecordingBytes = 64 << 20

    static func getSessionRecording(_ s: ControlPlaneServices, _ req: JSONRequest,
                                    _ call: APICall) async throws(APIError) -> APIResult {
        let sessionId = try req.requiredString("SessionId")
        let recorder = FileSessionRecorder(dataDir: s.config.dataDir)
        let url: URL
        do { url = try recorder.recordingURL(sessionId: sessionId) } catch {
            throw APIError.validation("1 validation error detected: Value \(sessionId.debugDescription) at 'sessionId' failed to satisfy constraint: a session id has only letters, digits and . _ - @ and does not start with '.'")
        }
        let record = try await SessionOperations.existing(s, sessionId)
        try await s.authorize(call, action: "gangway:GetSessionRecording", resource: sessionId)
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else {
            throw APIError.doesNotExist("Session \(sessionId) has no recording (gangwayd records sessions it relays into DATA_DIR/recordings; this one was not recorded or its file was removed)")
        }
        guard size <= maxRecordingBytes else {
            throw APIError.validation("The recording of session \(sessionId) is \(size) bytes, more than the \(maxRecordingBytes) bytes GetSessionRecording returns; copy \(url.lastPathComponent) from the gangwayd host")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw APIError.internalError("cannot read the recording of session \(sessionId): \(error)")
        }
        return APIResult(["SessionId": sessionId, "Format": "asciicast-v2",
                          "Recording": String(decoding: data, as: UTF8.self)],
                         sessionId: sessionId, target: record.target)
    }
}
