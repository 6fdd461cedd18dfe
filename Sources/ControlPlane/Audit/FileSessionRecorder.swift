import Foundation
import Logging
import Recording

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

/// One session's recording. An actor: gangwayd may call from different tasks, the writer is single-owner.
/// A write error is logged once and recording stops for that session; relaying goes on.
public actor FileSessionRecording: SessionRecording {
    private let writer: RecordingFileWriter
    private var failed = false
    private let logger = Logger(label: "gangway.recording")

    init(writer: RecordingFileWriter) { self.writer = writer }

    private func attempt(_ body: () throws -> Void) {
        guard !failed else { return }
        do { try body() } catch {
            failed = true
            logger.error("session recording stopped", metadata: ["file": "\(writer.url.path)", "error": "\(error)"])
        }
    }

    public func output(_ bytes: [UInt8], at: Date) async { attempt { try writer.output(bytes, at: at) } }

    public func input(_ bytes: [UInt8], at: Date, redacted: Bool) async {
        attempt { try writer.input(bytes, at: at, redacted: redacted) }
    }

    public func resize(cols: Int, rows: Int, at: Date) async { attempt { try writer.resize(cols: cols, rows: rows, at: at) } }

    public func close() async { attempt { try writer.close(at: Date()) } }
}
