import Foundation
import Logging
import NIOCore
import NIOWebSocket
import WSClient

/// A WebSocket client for tests: messages arrive on an AsyncStream; `read: false` makes a client that never reads.
final class TestSocket: Sendable {
    let messages: AsyncStream<WebSocketMessage>
    let writer: WebSocketOutboundWriter
    let finished: Task<WebSocketCloseFrame?, any Error>
    private let stop: AsyncStream<Void>.Continuation

    private init(messages: AsyncStream<WebSocketMessage>, writer: WebSocketOutboundWriter,
                 finished: Task<WebSocketCloseFrame?, any Error>, stop: AsyncStream<Void>.Continuation) {
        self.messages = messages
        self.writer = writer
        self.finished = finished
        self.stop = stop
    }

    static func open(_ url: String, read: Bool = true) async throws -> TestSocket {
        let (messages, messageSink) = AsyncStream.makeStream(of: WebSocketMessage.self)
        let (writers, writerSink) = AsyncStream.makeStream(of: WebSocketOutboundWriter.self)
        let (stopStream, stop) = AsyncStream.makeStream(of: Void.self)
        var config = WebSocketClientConfiguration(maxFrameSize: 2 << 20)
        config.autoPing = .disabled
        let task = Task {
            defer { messageSink.finish(); writerSink.finish() }
            return try await WebSocketClient.connect(url: url, configuration: config,
                                                     logger: Logger(label: "test-ws")) { inbound, outbound, _ in
                writerSink.yield(outbound)
                if read {
                    for try await m in inbound.messages(maxSize: 4 << 20) { messageSink.yield(m) }
                } else {
                    for await _ in stopStream { break }
                }
            }
        }
        var it = writers.makeAsyncIterator()
        guard let writer = await it.next() else {
            _ = try await task.value
            throw TestFailure("WebSocket to \(url) did not open")
        }
        return TestSocket(messages: messages, writer: writer, finished: task, stop: stop)
    }

    func sendText(_ text: String) async throws { try await writer.writeTextMessage(text) }
    func sendBinary(_ bytes: [UInt8]) async throws { try await writer.writeBinaryMessage(ByteBuffer(bytes: bytes)) }
    func close() async { stop.finish(); try? await writer.close(.normalClosure, reason: nil) }
    /// Lets a non-reading handler return.
    func release() { stop.finish() }

    /// The next message, or nil if the socket closed or `seconds` passed.
    func next(within seconds: Double = 5) async -> WebSocketMessage? {
        let stream = messages
        return await withTaskGroup(of: WebSocketMessage?.self) { group in
            group.addTask {
                var it = stream.makeAsyncIterator()
                return await it.next()
            }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
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
