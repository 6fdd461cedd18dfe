import Recording

/// Fetches and parses a session's recording for a replay pane (call it off the UI thread).
public enum ReplayLoader {
    /// Why a replay pane has nothing to play, in words for the pane.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The recording of `sessionId` from `source` (which must also be a `RecordingSource`), parsed.
    public static func load(sessionId: String, from source: any FleetSource) async -> Result<RecordedSession, Failure> {
        guard let recordings = source as? any RecordingSource else {
            return .failure(Failure("this console's source (\(source.contextName)) cannot fetch recordings; "
                                    + "recordings come from a gangwayd (start gangway with --endpoint-url of a gangwayd)"))
        }
        let text: String
        do { text = try await recordings.recordingText(sessionId: sessionId) } catch {
            return .failure(Failure("\(error)"))
        }
        return parse(text, sessionId: sessionId)
    }

    /// Parses recording text: asciicast v2, or a `script` typescript (played without timing).
    public static func parse(_ text: String, sessionId: String) -> Result<RecordedSession, Failure> {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .failure(Failure("no recording for session \(sessionId) (it is empty)")) }
        do {
            if TypescriptReader.looksLikeTypescript(bytes) { return .success(try TypescriptReader.read(bytes)) }
            return .success(try AsciicastReader.read(bytes))
        } catch {
            return .failure(Failure("the recording of session \(sessionId) cannot be read: \(error)"))
        }
    }
}
