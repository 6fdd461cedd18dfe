import Foundation
import Recording

/// Wraps `FileSessionRecorder`: when a recording is closed (the session ended), hands its file to the shipper.
/// Recording and relaying never wait for the upload.
struct ShippingSessionRecorder: SessionRecorder {
    let inner: FileSessionRecorder
    let finished: @Sendable (_ sessionId: String, _ file: URL) -> Void

    func open(sessionId: String, target: String, owner: String, cols: Int, rows: Int,
              startedAt: Date) async throws -> any SessionRecording {
        let recording = try await inner.open(sessionId: sessionId, target: target, owner: owner, cols: cols, rows: rows,
                                             startedAt: startedAt)
        return ShippingSessionRecording(inner: recording, sessionId: sessionId,
                                        file: try inner.recordingURL(sessionId: sessionId), finished: finished)
    }

    /// The file is shipped with the others left unshipped when the shipper starts (after this, at gangwayd's start).
    func closeInterrupted(sessionId: String, note: String) throws -> InterruptedRecording.Closed? {
        try inner.closeInterrupted(sessionId: sessionId, note: note)
    }
}

struct ShippingSessionRecording: SessionRecording {
    let inner: any SessionRecording
    let sessionId: String
    let file: URL
    let finished: @Sendable (_ sessionId: String, _ file: URL) -> Void

    func output(_ bytes: [UInt8], at: Date) throws { try inner.output(bytes, at: at) }
    func input(_ bytes: [UInt8], at: Date, redacted: Bool) throws { try inner.input(bytes, at: at, redacted: redacted) }
    func resize(cols: Int, rows: Int, at: Date) throws { try inner.resize(cols: cols, rows: rows, at: at) }

    func close() async {
        await inner.close()
        finished(sessionId, file)
    }
}
