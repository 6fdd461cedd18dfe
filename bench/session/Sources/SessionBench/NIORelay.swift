// `--mode nio-relay --listen PORT --to PORT`: a bare TCP relay on SwiftNIO (one event loop, two glued channels per
// connection, no WebSocket, no SSM messages, no recording). run.sh puts it in front of sshd next to socat, to show
// what one relay hop costs on NIO itself on this machine — the floor under gangwayd's relay.
import NIOCore
import NIOPosix

/// Forwards what one channel reads to its partner, with the partner's writability as back-pressure.
final class GlueHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private var pendingFlush = false

    static func pair() -> (GlueHandler, GlueHandler) {
        let a = GlueHandler(), b = GlueHandler()
        a.partner = b
        b.partner = a
        return (a, b)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil; partner = nil }

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil); pendingFlush = true }
    private func partnerFlush() { if pendingFlush { pendingFlush = false; context?.flush() } }
    private var partnerWritable: Bool { context?.channel.isWritable ?? false }
    private func partnerClose() { context?.close(promise: nil) }
    private func partnerBecameWritable() { if pendingRead { pendingRead = false; context?.read() } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { partner?.partnerWrite(data) }
    func channelReadComplete(context: ChannelHandlerContext) { partner?.partnerFlush() }
    func channelInactive(context: ChannelHandlerContext) { partner?.partnerClose() }
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
    }
    func read(context: ChannelHandlerContext) {
        if partner?.partnerWritable ?? false { context.read() } else { pendingRead = true }
    }
}

func nioRelay(_ args: Args) throws {
    let listen = Int(args["listen"] ?? "") ?? 0, to = Int(args["to"] ?? "") ?? 0
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let server = try ServerBootstrap(group: group)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
        .childChannelInitializer { inbound in
            ClientBootstrap(group: inbound.eventLoop)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: "127.0.0.1", port: to)
                .flatMapThrowing { outbound in
                    // One loop: both channels are on it, and so is this closure. The inbound channel is registered
                    // (and starts reading) once this initializer's future completes.
                    let (near, far) = GlueHandler.pair()
                    try outbound.pipeline.syncOperations.addHandler(far)
                    try inbound.pipeline.syncOperations.addHandler(near)
                }
        }
        .bind(host: "127.0.0.1", port: listen).wait()
    print("nio relay listening on \(server.localAddress.map { "\($0)" } ?? "?")")
    try server.closeFuture.wait()
}
