import AWSCore
import ConsoleCore

extension SSMFleetSource: RecordingSource {
    /// The recording of `sessionId` through gangwayd's audited `GetSessionRecording`, with errors that say what to do.
    public func recordingText(sessionId: String) async throws -> String {
        let out: SessionRecordingOutput
        do {
            out = try await ssm.sessionRecording(sessionId: sessionId)
        } catch let e as AWSError {
            switch e.code {
            case "AccessDeniedException":
                throw ReplayLoader.Failure("AccessDenied: \(e.message)\nAsk for gangway:GetSessionRecording on this session.")
            case "DoesNotExistException":
                throw ReplayLoader.Failure("no recording for session \(sessionId): \(e.message)")
            case "ValidationException":
                throw ReplayLoader.Failure("\(sessionId) is not a session id gangwayd accepts: \(e.message)")
            case "InvalidAction", "UnknownOperationException":
                throw ReplayLoader.Failure("\(ssm.settings.endpointURL) cannot return recordings (GetSessionRecording is a "
                                           + "gangwayd extension; start gangway with --endpoint-url of a gangwayd)")
            default:
                throw ReplayLoader.Failure("cannot fetch the recording of session \(sessionId): \(e)")
            }
        } catch {
            throw ReplayLoader.Failure("cannot fetch the recording of session \(sessionId): \(error)")
        }
        guard let text = out.Recording, !text.isEmpty else {
            throw ReplayLoader.Failure("no recording for session \(sessionId) (gangwayd returned an empty recording)")
        }
        if let format = out.Format, format != "asciicast-v2" {
            throw ReplayLoader.Failure("the recording of session \(sessionId) is in format \(format); this console plays asciicast-v2")
        }
        return text
    }
}
