import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Takes a terminal's output on the event loop that reads it, as it is read (`PTYOutputReader.deliver(to:)`).
protocol PTYOutputConsumer: Sendable {
    /// A chunk of output. Returns false to stop reading until `PTYOutputReader.resume()`.
    func output(_ bytes: [UInt8]) -> Bool
    /// The output ended (every slave descriptor closed, or `close()`); nothing follows.
    func outputEnded()
}

/// The terminal's output, read on an NIO event loop and handed to one reader task (`read`) or, once
/// `deliver(to:)` is called, to a consumer on the loop as it is read.
///
/// The PTY master (a duplicate descriptor, which NIO owns and closes) is a pipe channel on the same event loops as
/// the data channel's WebSocket, so a shell's output is read where it will be framed and written: no Dispatch
/// manager thread and worker wake-up per read (that was about a third of the agent's CPU per keystroke).
/// Backpressure: reads are requested one readable event at a time and stop while `highWater` bytes wait for the
/// reader; the kernel's PTY buffer then fills and the program blocks on write, as on a terminal nobody reads.
///
/// @unchecked Sendable: everything mutable is in `state`, behind its lock.
final class PTYOutputReader: @unchecked Sendable {
    /// Bytes read but not yet taken after which reading pauses.
    static let highWater = 256 * 1024

    private struct State {
        var bytes: [UInt8] = []
        var ended = false
        var paused = false
        var closeRequested = false
        var channel: (any Channel)?
        var waiter: CheckedContinuation<Void, Never>?
        var consumer: (any PTYOutputConsumer)?
    }
    private let state = Mutex(State())

    /// Starts reading `fd` (a descriptor this reader now owns: NIO closes it, or this does if NIO refuses it) on
    /// `eventLoop` (default: the next of NIO's shared loops).
    init(fd: Int32, eventLoop: (any EventLoop)?) {
        let reader = self
        NIOPipeBootstrap(group: eventLoop ?? MultiThreadedEventLoopGroup.singleton.next())
            .channelOption(.autoRead, value: false)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16 * 1024))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PTYReadHandler(reader: reader, fd: fd))
                }
            }
            .takingOwnershipOfDescriptor(input: fd)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    // The handler gave the reader the channel at activation (`attach`); a close asked before that
                    // is carried out now.
                    if reader.state.withLock({ $0.closeRequested }) { channel.close(promise: nil) }
                case .failure:
                    Glibc.close(fd)
                    reader.finish()
                }
            }
    }

    /// Up to `maxBytes` of what was read, waiting for something if nothing is there; nil once the terminal's output
    /// ended (every slave descriptor closed, or `close()`) and everything read was taken.
    func read(maxBytes: Int) async -> [UInt8]? {
        while true {
            enum Step { case data([UInt8], resume: (any Channel)?), end, wait }
            let step: Step = state.withLock { s in
                if !s.bytes.isEmpty {
                    let chunk: [UInt8]
                    if s.bytes.count <= maxBytes {
                        chunk = s.bytes
                        s.bytes = []
                    } else {
                        chunk = Array(s.bytes[..<maxBytes])
                        s.bytes.removeFirst(maxBytes)
                    }
                    var resume: (any Channel)? = nil
                    if s.paused && s.bytes.count < Self.highWater {
                        s.paused = false
                        resume = s.channel
                    }
                    return .data(chunk, resume: resume)
                }
                return s.ended ? .end : .wait
            }
            switch step {
            case .data(let chunk, let resume):
                resume?.read()
                return chunk
            case .end:
                return nil
            case .wait:
                // A cancelled reader stops waiting (and gets nil): a test's time limit can then end it.
                if Task.isCancelled { return nil }
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let now: Bool = state.withLock { s in
                            if !s.bytes.isEmpty || s.ended || Task.isCancelled { return true }
                            s.waiter = continuation
                            return false
                        }
                        if now { continuation.resume() }
                    }
                } onCancel: {
                    let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
                        defer { s.waiter = nil }
                        return s.waiter
                    }
                    waiter?.resume()
                }
            }
        }
    }

    /// From now on hands the output to `consumer` on the reading loop, starting with what was read and not taken.
    /// Call on that loop. (Then `read` is not used.)
    func deliver(to consumer: any PTYOutputConsumer) {
        let (held, ended): ([UInt8], Bool) = state.withLock { s in
            s.consumer = consumer
            defer { s.bytes = [] }
            return (s.bytes, s.ended)
        }
        if !held.isEmpty, !consumer.output(held) {
            state.withLock { $0.paused = true }
        } else if !ended {
            resume()
        }
        if ended {
            state.withLock { $0.consumer = nil }
            consumer.outputEnded()
        }
    }

    /// Reads on after a consumer returned false. Call it after that `false` was returned (a task on the reading
    /// loop, as `ShellSession` does, runs only after it): a resume that comes earlier finds nothing paused.
    func resume() {
        let channel: (any Channel)? = state.withLock { s in
            guard s.paused else { return nil }
            s.paused = false
            return s.channel
        }
        channel?.read()
    }

    /// Stops reading and closes NIO's descriptor; `read` returns what is left, then nil. Idempotent.
    func close() {
        let channel: (any Channel)? = state.withLock { s in
            s.closeRequested = true
            return s.channel
        }
        channel?.close(promise: nil)
    }

    // MARK: from the event loop

    /// The channel reading the terminal, from its handler's `channelActive` (before any read).
    fileprivate func attach(_ channel: any Channel) {
        state.withLock { s in if !s.ended { s.channel = channel } }
    }

    /// Adds what one readable event brought. Returns true to keep reading.
    fileprivate func push(_ bytes: [UInt8]) -> Bool {
        if let consumer = state.withLock({ $0.consumer }) {
            if consumer.output(bytes) { return true }
            state.withLock { $0.paused = true }
            return false
        }
        let (waiter, keepReading): (CheckedContinuation<Void, Never>?, Bool) = state.withLock { s in
            s.bytes += bytes
            s.paused = s.bytes.count >= Self.highWater
            let w = s.waiter
            s.waiter = nil
            return (w, !s.paused)
        }
        waiter?.resume()
        return keepReading
    }

    fileprivate func finish() {
        let (waiter, consumer): (CheckedContinuation<Void, Never>?, (any PTYOutputConsumer)?) = state.withLock { s in
            s.ended = true
            s.channel = nil
            let w = s.waiter
            s.waiter = nil
            defer { s.consumer = nil }
            return (w, s.consumer)
        }
        waiter?.resume()
        consumer?.outputEnded()
    }
}

/// Collects one readable event's reads and passes them on as one chunk.
///
/// A PTY read returns at most 4 KiB (the line discipline's buffer) and NIO stops reading after a read that did not
/// fill its buffer, so on its own it would hand over one 4 KiB read per readable event: for bulk output, 16 times the
/// frames. After NIO's read the handler therefore keeps reading the descriptor itself (non-blocking, on the event
/// loop, while the channel is open so the descriptor is NIO's and valid) until it would block or `gatherLimit` bytes
/// are collected, like the agent's read loop before.
private final class PTYReadHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    static let gatherLimit = 64 * 1024
    /// Reads shorter than this drained the terminal's 4 KiB output buffer: nothing more is there to gather.
    static let gatherThreshold = 2048
    private let reader: PTYOutputReader
    private let fd: Int32
    private var pending: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 4096)

    init(reader: PTYOutputReader, fd: Int32) {
        self.reader = reader
        self.fd = fd
    }

    func channelActive(context: ChannelHandlerContext) {
        // Known to the reader before the first read: a reader or consumer that pauses and resumes before the
        // bootstrap's future completes would otherwise find no channel to resume, and reading stopped for good
        // (a CI run hung on it: the program blocked on its full terminal, the reader waiting for output).
        reader.attach(context.channel)
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        pending.append(contentsOf: buffer.readableBytesView)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard !pending.isEmpty else { context.read(); return }
        // A short read emptied the line discipline's buffer: no second read to learn it (a keystroke's echo).
        if pending.count >= Self.gatherThreshold { gather() }
        let chunk = pending
        pending = []
        if reader.push(chunk) { context.read() }
    }

    /// Reads what else is there now. Errors and the end are left to NIO's next read, which reports them.
    private func gather() {
        while pending.count < Self.gatherLimit {
            let n = scratch.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            guard n > 0 else { return }
            pending.append(contentsOf: scratch[..<n])
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // EIO: the last slave descriptor closed (how Linux reports the end of a terminal's output).
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !pending.isEmpty { _ = reader.push(pending); pending = [] }
        reader.finish()
    }
}
