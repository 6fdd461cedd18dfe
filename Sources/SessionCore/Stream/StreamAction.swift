/// What a `DataStream` asks its I/O adapter to do, in order.
public enum StreamAction: Sendable, Equatable {
    /// Encode and put on the socket (stream data, resends, acks).
    case write(ClientMessage)
    /// In-order payload for the application (Output, Size, handshake payloads, ExitCode, …).
    case deliver(PayloadType, [UInt8])
    /// An unsequenced non-ack message for the application (channel_closed, agent_session_state, publication, …).
    case control(ClientMessage)
    /// (Re)arm the single resend timer; replaces any earlier arm. Call `timerFired(now:)` when it expires.
    case armTimer(at: StreamInstant)
}
