/// What a `DataStream` asks its I/O adapter to do, in order.
public enum StreamAction: Sendable, Equatable {
    /// Encode and put on the socket (stream data, resends).
    case write(ClientMessage)
    /// Acknowledge `received` (`acknowledgement`): the adapter builds and sends the ack after the action list's
    /// deliveries, so building it (JSON, digest, a message id) does not delay a keystroke on its way to the terminal.
    case acknowledge(received: ClientMessage, createdDate: UInt64)
    /// In-order payload for the application (Output, Size, handshake payloads, ExitCode, …).
    case deliver(PayloadType, [UInt8])
    /// An unsequenced non-ack message for the application (channel_closed, agent_session_state, publication, …).
    case control(ClientMessage)
    /// (Re)arm the single resend timer; replaces any earlier arm. Call `timerFired(now:)` when it expires.
    case armTimer(at: StreamInstant)

    /// The acknowledgement an `.acknowledge` action asks for (nil for other actions).
    public var acknowledgement: ClientMessage? {
        guard case .acknowledge(let received, let createdDate) = self else { return nil }
        return ClientMessage.acknowledging(received, now: createdDate)
    }
}
