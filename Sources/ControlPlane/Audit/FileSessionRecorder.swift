import Foundation
import Logging
import Recording
import Synchronization

/// Records every session gangwayd relays as asciicast v2 in `DATA_DIR/recordings/<sessionId>.cast`.
///
/// Durability: each relayed message is written to the file with one write(2) before `output`/`input` returns, and
/// gangwayd calls `output` before it forwards the frame to the client. So every byte a client has acknowledged
/// reached the kernel before the client could see it, and survives a kill -9 of gangwayd (a power loss can still
/// lose what the kernel had not flushed; `close` fsyncs).
public struct FileSessionRecorder: SessionRecorder {
    public let directory: URL

    public init(dataDir: URL) { directory = dataDir.appendingPathComponent("recordings") }
    public init(directory: URL) { self.directory = directory }

    public func open(sessionId: String, target: String, owner: String, cols: Int, rows: Int,
                     startedAt: Date) async throws -> any SessionRecording {
        let url = try recordingURL(sessionId: sessionId)
        let header = RecordingHeader(width: cols, height: rows, timestamp: Int(startedAt.timeIntervalSince1970),
                                     title: "\(owner)@\(target) \(sessionId)")
        return FileSessionRecording(writer: try RecordingFileWriter(url: url, header: header, startedAt: startedAt))
    }

    public func closeInterrupted(sessionId: String, note: String) throws -> InterruptedRecording.Closed? {
        try InterruptedRecording.close(try recordingURL(sessionId: sessionId), label: note)
    }

    /// Where the recording of `sessionId` lives (for `GET /gangway/v1/recordings/<id>`). Throws for ids that could
    /// escape the directory.
    public func recordingURL(sessionId: String) throws -> URL {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")
        guard !sessionId.isEmpty, sessionId.count <= 200, !sessionId.hasPrefix("."),
              sessionId.unicodeScalars.allSatisfy(allowed.contains) else {
            throw RecordingError("invalid session id \(sessionId.debugDescription) for a recording file name")
        }
        return directory.appendingPathComponent("\(sessionId).cast")
    }
}

/// One session's recording. A lock around the single-owner writer: gangwayd calls from the client's and the agent's
/// event loops. The first write error is logged and thrown, and every later call throws (gangwayd then ends the
/// session: see `SessionRecording`); the file keeps whole lines up to the failed event.
public final class FileSessionRecording: SessionRecording {
    private struct State: ~Copyable {
        let writer: RecordingFileWriter
        var failure: RecordingError?
        /// Closed at the session's end: a frame still in flight then (a client's last keystroke racing the end) is
        /// refused without an error log; the session is over and it is not relayed either.
        var closed = false
    }
    private let state: Mutex<State>
    private let url: URL
    private let logger = Logger(label: "gangway.recording")

    init(writer: sending RecordingFileWriter) {
        url = writer.url
        state = Mutex(State(writer: writer))
    }

    private func attempt(_ body: (RecordingFileWriter) throws -> Void) throws(RecordingError) {
        let (failure, first): (RecordingError?, Bool) = state.withLock { s in
            if s.closed { return (RecordingError("recording \(url.lastPathComponent) is closed: the session has ended",
                                                 cause: "the session has ended"), false) }
            if let earlier = s.failure { return (earlier, false) }
            do { try body(s.writer); return (nil, false) } catch {
                let failure = error as? RecordingError ?? RecordingError("\(error)")
                s.failure = failure
                return (failure, true)
            }
        }
        guard let failure else { return }
        if first {
            logger.error("session recording failed", metadata: ["file": "\(url.path)", "error": "\(failure)"])
        }
        throw failure
    }

    public func output(_ bytes: [UInt8], at: Date) throws { try attempt { try $0.output(bytes, at: at) } }

    public func input(_ bytes: [UInt8], at: Date, redacted: Bool) throws {
        try attempt { try $0.input(bytes, at: at, redacted: redacted) }
    }

    public func resize(cols: Int, rows: Int, at: Date) throws { try attempt { try $0.resize(cols: cols, rows: rows, at: at) } }

    /// Closes the file (after a failure too: it ends at the last whole event).
    public func close() async {
        state.withLock { s in
            s.closed = true
            if s.failure == nil {
                do { try s.writer.close(at: Date()) } catch {
                    logger.error("session recording failed at close", metadata: ["file": "\(url.path)", "error": "\(error)"])
                }
            } else {
                s.writer.abandon()
            }
        }
    }
}
