import Foundation

/// Opens one recording per session. The recordings helper's `Recording` module plugs in here.
public protocol SessionRecorder: Sendable {
    func open(sessionId: String, target: String, owner: String, cols: Int, rows: Int,
              startedAt: Date) async throws -> any SessionRecording
}

/// One session's recording. gangwayd calls these in sequence-number order, each relayed message once
/// (a resent frame is not recorded twice). `input(redacted: true)` means the agent reported the PTY's echo was off
/// (a password prompt): store a redaction marker, never the bytes.
public protocol SessionRecording: Sendable {
    func output(_ bytes: [UInt8], at: Date) async
    func input(_ bytes: [UInt8], at: Date, redacted: Bool) async
    func resize(cols: Int, rows: Int, at: Date) async
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
    public func output(_ bytes: [UInt8], at: Date) async {}
    public func input(_ bytes: [UInt8], at: Date, redacted: Bool) async {}
    public func resize(cols: Int, rows: Int, at: Date) async {}
    public func close() async {}
}
