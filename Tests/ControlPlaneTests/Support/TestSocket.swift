import Foundation
import NIOPosix
import Logging
import NIOCore
import NIOWebSocket
import WSClient

/// Messages received so far; `next(within:)` waits without ever cancelling the underlying stream.
actor MessageBox {
    private var queue: [WebSocketMessage] = []
    private var finished = false
    private var waiters: [UUID: CheckedContinuation<WebSocketMessage?, Never>] = [:]

    func push(_ m: WebSocketMessage) {
        if let (id, w) = waiters.first { waiters[id] = nil; w.resume(returning: m) } else { queue.append(m) }
    }

    func finish() {
        finished = true
        for w in waiters.values { w.resume(returning: nil) }
        waiters.removeAll()
    }

    func next(within seconds: Double) async -> WebSocketMessage? {
        if !queue.isEmpty { return queue.removeFirst() }
        if finished { return nil }
        let id = UUID()
        return await withCheckedContinuation { c in
            waiters[id] = c
            Task { [weak self] in
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                await self?.timeout(id)
            }
        }
    }

    private func timeout(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume(returning: nil)
    }
}

/// A WebSocket client for tests: received messages queue in a `MessageBox`.
final class TestSocket: Sendable {
    let box: MessageBox
    let writer: WebSocketOutboundWriter
    let finished: Task<WebSocketCloseFrame?, any Error>
    private let stop: AsyncStream<Void>.Continuation

    private init(box: MessageBox, writer: WebSocketOutboundWriter,
                 finished: Task<WebSocketCloseFrame?, any Error>, stop: AsyncStream<Void>.Continuation) {
        self.box = box
        self.writer = writer
        self.finished = finished
        self.stop = stop
    }

    static func open(_ url: String) async throws -> TestSocket {
        let box = MessageBox()
        let (writers, writerSink) = AsyncStream.makeStream(of: WebSocketOutboundWriter.self)
        let (_, stop) = AsyncStream.makeStream(of: Void.self)
        var config = WebSocketClientConfiguration(maxFrameSize: 2 << 20)
        config.autoPing = .disabled
        // A loop of its own, like a peer in another process: a test socket that masks megabytes (clients mask every
        // byte, slowly in a debug build) must not hold up gangwayd's loops or other tests' sockets.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let task = Task {
            defer { writerSink.finish() }
            let result: Result<WebSocketCloseFrame?, any Error>
            do {
                result = .success(try await WebSocketClient.connect(url: url, configuration: config, eventLoopGroup: group,
                                                                    logger: Logger(label: "test-ws")) { inbound, outbound, _ in
                    writerSink.yield(outbound)
                    for try await m in inbound.messages(maxSize: 4 << 20) { await box.push(m) }
                })
            } catch {
                result = .failure(error)
            }
            await box.finish()
            try? await group.shutdownGracefully()
            return try result.get()
        }
        var it = writers.makeAsyncIterator()
        guard let writer = await it.next() else {
            await box.finish()
            _ = try await task.value
            throw TestFailure("WebSocket to \(url) did not open")
        }
        return TestSocket(box: box, writer: writer, finished: task, stop: stop)
    }

    func sendText(_ text: String) async throws { try await writer.writeTextMessage(text) }
    func sendBinary(_ bytes: [UInt8]) async throws { try await writer.writeBinaryMessage(ByteBuffer(bytes: bytes)) }
    func close() async { stop.finish(); try? await writer.close(.normalClosure, reason: nil) }

    /// The next message, or nil if the socket closed or `seconds` passed.
    func next(within seconds: Double = 5) async -> WebSocketMessage? {
        await box.next(within: seconds)
    }

    /// Waits for the close frame (nil code when the connection just dropped).
    func closeCode(within seconds: Double = 5) async -> WebSocketErrorCode? {
        let task = finished
        return await withTaskGroup(of: WebSocketErrorCode?.self) { group in
            group.addTask { (try? await task.value)??.closeCode }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
