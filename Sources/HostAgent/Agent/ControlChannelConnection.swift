import ChannelIO
import Foundation
import Logging
import NIOCore
import NIOSSL
import SessionCore
import WSClient

/// The agent's control-channel WebSocket: sends the opening text frame, then unsequenced ClientMessages both
/// ways. `run` returns when the socket ends; a new instance is made for each (re)connection.
actor ControlChannelConnection {
    private var writer: WebSocketOutboundWriter?
    private var closed = false
    /// gangwayd closed this channel because another one with the same identity opened (`ControlChannelClose`).
    private(set) var replaced = false
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Connects and reads until the socket ends. `onOpen` runs once the opening frame is sent; `onMessage` for
    /// each decoded frame, in order. Returns why the socket ended.
    func run(url: URL, openingFrame: String, tls: ChannelTLS?, pingEvery: Duration,
             onOpen: @escaping @Sendable () async -> Void,
             onMessage: @escaping @Sendable (ClientMessage) async -> Void) async -> String {
        let config = WebSocketClientConfiguration(maxFrameSize: 1 << 20, closeTimeout: .seconds(2),
                                                  autoPing: .enabled(timePeriod: pingEvery), sniHostname: tls?.sniHostname)
        let tlsConfiguration: TLSConfiguration?
        do { tlsConfiguration = try tls?.makeConfiguration() } catch { return "TLS configuration failed: \(error)" }
        let logger = self.logger
        let client = WebSocketClient(url: url.absoluteString, configuration: config, tlsConfiguration: tlsConfiguration,
                                     logger: logger) { [weak self] inbound, outbound, _ in
            guard let self else { return }
            try await outbound.write(.text(openingFrame))
            guard await self.attach(outbound) else { return }
            await onOpen()
            var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            while let message = try await iterator.next() {
                guard case .binary(let buffer) = message else { continue }
                do {
                    let frame = try ClientMessage.decode(Array(buffer: buffer))
                    await onMessage(frame)
                } catch {
                    logger.warning("dropping a malformed control-channel frame: \(error)")
                }
            }
        }
        let reason: String
        do {
            if let close = try await client.run() {
                replaced = close.reason == ControlChannelClose.replaced
                reason = "closed by gangwayd (code \(close.closeCode)\(close.reason.map { ": \($0)" } ?? ""))"
            } else {
                reason = "connection ended"
            }
        } catch {
            reason = "\(error)"
        }
        writer = nil
        return reason
    }

    private func attach(_ w: WebSocketOutboundWriter) -> Bool {
        guard !closed else { return false }
        writer = w
        return true
    }

    /// Sends a frame; false if the socket is not open or the write failed.
    @discardableResult
    func send(_ message: ClientMessage) async -> Bool {
        guard let writer else { return false }
        do {
            try await writer.write(.binary(ByteBuffer(bytes: message.encode())))
            return true
        } catch {
            return false
        }
    }

    var isOpen: Bool { writer != nil }

    func close() async {
        closed = true
        if let writer { try? await writer.close(.normalClosure, reason: "agent stopping") }
        writer = nil
    }
}
