import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A WebSocket server on 127.0.0.1 that records every frame a client sends and lets the test write frames of its
/// choosing (fragments, pings, close codes): the peer a data channel's socket is checked against.
final class ScriptedWebSocketServer: Sendable {
    struct Frame: Sendable {
        var opcode: WebSocketOpcode
        var fin: Bool
        var data: [UInt8]
        var maskKey: WebSocketMaskingKey?
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let listener: any Channel
    private final class Log: Sendable {
        let state = Mutex<(frames: [Frame], peer: (any Channel)?)>(([], nil))
    }
    private let log = Log()
    let port: Int

    init() throws {
        let box = log
        listener = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 24,
                    shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                    upgradePipelineHandler: { channel, _ in
                        box.state.withLock { $0.peer = channel }
                        return channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(FrameRecorder(log: box))
                        }
                    })
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = listener.localAddress?.port ?? 0
    }

    var url: URL { URL(string: "ws://127.0.0.1:\(port)/v1/data-channel/test-session?role=publish_subscribe")! }

    /// Everything the client sent so far.
    var frames: [Frame] { log.state.withLock { $0.frames } }

    /// Waits until `predicate` holds for the frames received, or `timeout`.
    func waitForFrames(timeout: Duration = .seconds(5), _ predicate: ([Frame]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if predicate(frames) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return predicate(frames)
    }

    /// Writes frames to the connected client (unmasked, as a server does) and flushes them; waits until the
    /// kernel took them unless `wait` is false (a client that does not read would hold that up).
    func send(_ frames: [WebSocketFrame], wait: Bool = true) async throws {
        guard let peer = log.state.withLock({ $0.peer }) else { throw ServerError.noClient }
        for frame in frames.dropLast() { peer.write(frame, promise: nil) }
        guard let last = frames.last else { return }
        if wait {
            try await peer.writeAndFlush(last)
        } else {
            peer.writeAndFlush(last, promise: nil)
        }
    }

    func binary(_ bytes: [UInt8], fin: Bool = true, continuation: Bool = false) -> WebSocketFrame {
        WebSocketFrame(fin: fin, opcode: continuation ? .continuation : .binary, data: ByteBuffer(bytes: bytes))
    }

    func control(_ opcode: WebSocketOpcode, _ bytes: [UInt8]) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, data: ByteBuffer(bytes: bytes))
    }

    func close(code: UInt16, reason: String) -> WebSocketFrame {
        var data = ByteBuffer()
        data.writeInteger(code)
        data.writeString(reason)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }

    func shutdown() async {
        try? await listener.close()
        try? await group.shutdownGracefully()
    }

    enum ServerError: Error { case noClient }

    private final class FrameRecorder: ChannelInboundHandler {
        typealias InboundIn = WebSocketFrame
        let log: Log
        init(log: Log) { self.log = log }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            let recorded = Frame(opcode: frame.opcode, fin: frame.fin, data: Array(frame.unmaskedData.readableBytesView),
                                 maskKey: frame.maskKey)
            log.state.withLock { $0.frames.append(recorded) }
        }
    }
}
