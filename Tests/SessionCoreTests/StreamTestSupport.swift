import GangwayTesting
import SessionCore

extension Array where Element == StreamAction {
    /// Frames put on the socket, acknowledgements built as the adapter builds them.
    var writes: [ClientMessage] { compactMap { if case .write(let m) = $0 { m } else { $0.acknowledgement } } }
    var streamWrites: [ClientMessage] { writes.filter { $0.messageType.isStreamData } }
    var acks: [ClientMessage] { writes.filter { $0.messageType == .acknowledge } }
    var delivered: [UInt8] { deliveries.flatMap(\.1) }
    var deliveries: [(PayloadType, [UInt8])] { compactMap { if case .deliver(let t, let b) = $0 { (t, b) } else { nil } } }
    var controls: [ClientMessage] { compactMap { if case .control(let m) = $0 { m } else { nil } } }
    var lastTimer: StreamInstant? { compactMap { if case .armTimer(let t) = $0 { t } else { nil } }.last }
}

extension StreamConfig {
    static func testing(_ clock: FakeClock, maxChunk: Int = 32 * 1024, window: Int = 1 << 20) -> StreamConfig {
        StreamConfig(maxChunk: maxChunk, sendWindowBytes: window, epochMillis: clock.epochMillisFunction)
    }
}

func ackSequence(_ ack: ClientMessage) -> Int64? {
    AcknowledgeContent.parse(ack.payload)?.acknowledgedMessageSequenceNumber
}
