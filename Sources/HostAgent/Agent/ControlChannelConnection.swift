import ChannelIO
import Foundation
import Logging
import SessionCore

/// The agent's control-channel WebSocket (`MessageSocket`): sends the opening text frame, then unsequenced
/// ClientMessages both ways. `run` returns when the socket ends; a new instance is made for each (re)connection.
actor ControlChannelConnection {
    private var socket: MessageSocket?
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
        let socket: MessageSocket
        do {
            socket = try await MessageSocket.connect(url: url, tls: tls, openingText: openingFrame, pingEvery: pingEvery)
        } catch {
            return "\(error)"
        }
        guard !closed else {
            socket.close(reason: "agent stopping")
            return "closed by this agent"
        }
        self.socket = socket
        defer { self.socket = nil }
        await onOpen()
        for await event in socket.events {
            switch event {
            case .message(let message):
                await onMessage(message)
            case .malformed(let why):
                logger.warning("dropping a malformed control-channel frame: \(why)")
            case .closed(.closedByPeer(let code, let reason)):
                replaced = reason == ControlChannelClose.replaced
                return "closed by gangwayd (code \(code)\(reason.isEmpty ? "" : ": \(reason)"))"
            case .closed(let error):
                return "\(error)"
            }
        }
        return "connection ended"
    }

    /// Sends a frame; false if the socket is not open or the write failed.
    @discardableResult
    func send(_ message: ClientMessage) async -> Bool {
        guard let socket else { return false }
        return await socket.send(message)
    }

    var isOpen: Bool { socket != nil }

    func close() async {
        closed = true
        socket?.close(reason: "agent stopping")
        socket = nil
    }
}
