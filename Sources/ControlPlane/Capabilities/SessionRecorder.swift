import Foundation
import Recording

/// Opens one recording per session. The recordings helper's `Recording` module plugs in here.
public protocol SessionRecorder: Sendable {
    func open(sessionId: String, target: String, owner: String, cols: Int, rows: Int,
              startedAt: Date) async throws -> any SessionRecording
    /// Marks the end of the recording of a session that was live when gangwayd stopped without ending it (a crash,
    /// kill -9, a power loss); gangwayd calls it at start, before serving. Returns when the recording was last
    /// written, nil when there is none.
    func closeInterrupted(sessionId: String, note: String) throws -> InterruptedRecording.Closed?
}

extension SessionRecorder {
    /// Nothing was recorded.
    public func closeInterrupted(sessionId: String, note: String) throws -> InterruptedRecording.Closed? { nil }
}

/// One session's recording. gangwayd calls these in sequence-number order, each relayed message once
/// (a resent frame is not recorded twice). `output`, `input` and `resize` are synchronous and called on the relay's
/// event loop before the frame is forwarded: they must store the event (one write(2)) and return, never wait on
/// anything else. `input(redacted: true)` means the agent reported the PTY's echo was off
/// (a password prompt): store a redaction marker, never the bytes.
///
/// A call that throws could not store the event (a full disk, a file size limit, an I/O error); every later call
/// throws too. gangwayd then forwards nothing more of the session and ends it as Failed: nothing is relayed that the
/// recording does not hold.
public protocol SessionRecording: Sendable {
    func output(_ bytes: [UInt8], at: Date) throws
    func input(_ bytes: [UInt8], at: Date, redacted: Bool) throws
    func resize(cols: Int, rows: Int, at: Date) throws
    func close() async
}

/// Records nothing. The default until a real recorder is configured.
public struct NullRecorder: SessionRecorder {
    public init() {}
    public func open(sessionId: String, target: String, owner: String, cols: Int, rows: Int,
                     startedAt: Date) async throws -> any SessionRecording { NullRecording() }
}

public struct NullRecording: SessionRecording {
    public init() {}
    public func output(_ bytes: [UInt8], at: Date) {}
    public func input(_ bytes: [UInt8], at: Date, redacted: Bool) {}
    public func resize(cols: Int, rows: Int, at: Date) {}
    public func close() async {}
}
