import SessionCore

/// What a `DataChannelConnection` reports to its application, in order.
public enum DataChannelEvent: Sendable {
    /// In-order stream payload from the peer (Output, Size, ExitCode, Flag, handshake payloads, …), each byte once.
    case data(PayloadType, [UInt8])
    /// An unsequenced message for the application: `channel_closed`, `agent_session_state`, publication
    /// messages, `gangway_echo_state`, …
    case control(ClientMessage)
    /// The socket ended without `close()` being called. The stream state is kept: call
    /// `reconnect(openingFrame:)` with a fresh token to resume without losing or repeating a byte.
    /// The error says why (`DataChannelError.closedByPeer` carries the WebSocket close code and reason).
    case disconnected((any Error)?)
    /// `close()` was called; no further events follow.
    case closed(reason: String)
}

/// Errors a data channel reports.
public enum DataChannelError: Error, Sendable, CustomStringConvertible {
    /// The server closed the WebSocket (1000 after `channel_closed`; 1008 for a used, expired or unknown token).
    case closedByPeer(code: Int, reason: String)
    /// The socket ended without a close frame (network drop, server killed).
    case connectionLost(String)
    /// `connect()`/`reconnect(openingFrame:)` on a connection that was closed.
    case alreadyClosed
    /// The URL cannot be used for a WebSocket.
    case invalidURL(String)

    /// What happened, without the advice `description` adds: for a program that resumes by itself and tells its user
    /// (`gangway connect`'s "connection to the session lost (…); resuming…").
    public var cause: String {
        switch self {
        case .closedByPeer(let code, let reason): "the server closed it, code \(code)\(reason.isEmpty ? "" : ": \(reason)")"
        case .connectionLost(let why): why
        case .alreadyClosed: "closed by this program"
        case .invalidURL(let url): "'\(url)' is not a ws:// or wss:// URL with a host"
        }
    }

    public var description: String {
        switch self {
        case .closedByPeer(let code, let reason):
            "the server closed the data channel (code \(code)\(reason.isEmpty ? "" : ": \(reason)")); "
                + (code == 1008 ? "the token was rejected: get a fresh one with ResumeSession or StartSession"
                    : "if the session is still active, resume it with ResumeSession")
        case .connectionLost(let why):
            "the data channel connection was lost (\(why)); resume it with ResumeSession"
        case .alreadyClosed:
            "the data channel was closed by this program; start or resume the session with a new connection"
        case .invalidURL(let url):
            "'\(url)' is not a ws:// or wss:// URL with a host; use the StreamUrl the API returned"
        }
    }
}

/// Takes a data channel's output on its event loop, synchronously, as each frame is read (`DataChannelConnection`'s
/// `dataSink`): for a consumer that writes it straight out (`gangway connect` to the terminal) without a task
/// hand-over per frame. `write` runs on the loop: while it blocks, the socket is not read (TCP pushes back).
///
/// A sink that must not block the loop (a PTY shared with other sessions' loops) implements `offer` and `whenRoom`
/// instead: it queues what it cannot take now, and the connection stops reading its socket while the sink is full.
public protocol DataChannelSink: Sendable {
    func write(_ bytes: [UInt8])
    /// Takes `bytes` (on the loop). Returns false when the sink is full: the connection reads no more from its socket
    /// until `whenRoom` calls back. Default: `write`, then true.
    func offer(_ bytes: [UInt8]) -> Bool
    /// Calls `resume` (on any thread) once the sink has room again, or now. Default: now.
    func whenRoom(_ resume: @escaping @Sendable () -> Void)
}

extension DataChannelSink {
    public func offer(_ bytes: [UInt8]) -> Bool {
        write(bytes)
        return true
    }

    public func whenRoom(_ resume: @escaping @Sendable () -> Void) { resume() }
}
