import ChannelIO
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// `gangway connect`'s keystrokes, from the local terminal (or a pipe) to the session, with `~.`/`~?` escapes on a
/// terminal and Ctrl-D sent when piped input ends.
///
/// A terminal or a pipe is read on the data channel's event loop itself (a pipe channel on a second, non-blocking
/// open of the same terminal or pipe, so the shell's descriptors 0–2 keep their blocking mode): a keystroke wakes one
/// thread, which reads it, frames it and writes it to the socket in one turn. Anything else (a file, /dev/null, a
/// socket) is read by a blocking reader thread that hands each chunk to the loop. Either way, while the channel's
/// send queue is over its limit (a big paste, a file on stdin) no more is read, so input is taken no faster than the
/// session takes it.
enum KeystrokeInput {
    /// What was started; `stop()` when the session is over.
    struct Reading {
        fileprivate let channel: (any Channel)?
        /// Stops reading (the session is over): closes the loop's descriptor; a reader thread is left blocked in
        /// `read` (the process is about to exit).
        func stop() {
            guard let channel else { return }
            channel.eventLoop.execute {
                try? channel.pipeline.syncOperations.handler(type: KeystrokeHandler.self).stop(channel: channel)
            }
        }
    }

    static func start(inputFD: Int32, interactive: Bool, shell: SSMShellSession, output: TerminalOutput,
                      escaped: EscapeFlag, errorFD: Int32) async -> Reading {
        let keys = KeystrokeSender(shell: shell, interactive: interactive, output: output, escaped: escaped,
                                   errorFD: errorFD)
        if let fd = reopenForLoop(inputFD) {
            let loop = shell.eventLoop
            let channel = try? await NIOPipeBootstrap(group: loop)
                .channelOption(.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(KeystrokeHandler(keys: keys))
                    }
                }
                .takingOwnershipOfDescriptor(input: fd).get()
            if let channel { return Reading(channel: channel) }
            // Not registered (not expected for a terminal or a pipe): the reader thread below. The descriptor is
            // left open rather than risk closing it twice.
        }
        startThread(inputFD: inputFD, keys: keys, loop: shell.eventLoop)
        return Reading(channel: nil)
    }

    /// A second open of `fd` (non-blocking, close-on-exec) when it is a terminal or a pipe; nil otherwise. Its own
    /// open file description: making it non-blocking does not touch the shell's descriptors, which usually share the
    /// terminal's one with our stdout and stderr.
    static func reopenForLoop(_ fd: Int32) -> Int32? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let type = st.st_mode & S_IFMT
        guard isatty(fd) == 1 || type == S_IFIFO else { return nil }
        // O_NONBLOCK also keeps the open of a pipe whose writer is gone from waiting for a new writer.
        let copy = open("/proc/self/fd/\(fd)", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        return copy >= 0 ? copy : nil
    }

    private static func startThread(inputFD: Int32, keys: KeystrokeSender, loop: any EventLoop) {
        let room = SendRoom()
        let reader = Thread {
            var keys = keys
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(inputFD, &buf, buf.count)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                room.waitUntilOpen()
                let (bytes, stop) = keys.filter(Array(buf[0..<n]))
                if !bytes.isEmpty {
                    let sender = keys
                    loop.execute {
                        guard !sender.send(bytes) else { return }
                        room.close()
                        Task { await sender.shell.waitForSendRoom(); room.open() }
                    }
                }
                if stop { return }
            }
            room.waitUntilOpen()
            let sender = keys
            loop.execute { sender.inputEnded() }
        }
        reader.start()
    }
}

/// Whether the keystroke reader may hand over more input: closed (on the loop) while the data channel's send queue is
/// over its limit, opened again when it has room. The reader blocks in `waitUntilOpen` meanwhile.
final class SendRoom: @unchecked Sendable {
    // @unchecked: `isOpen` is guarded by `condition`.
    private let condition = NSCondition()
    private var isOpen = true
    func close() { condition.lock(); isOpen = false; condition.unlock() }
    func open() { condition.lock(); isOpen = true; condition.broadcast(); condition.unlock() }
    func waitUntilOpen() {
        condition.lock()
        while !isOpen { condition.wait() }
        condition.unlock()
    }
}

/// Escapes and the hand-over of keystrokes to the session; `send` and `inputEnded` run on the event loop.
struct KeystrokeSender: Sendable {
    let shell: SSMShellSession
    let interactive: Bool
    let output: TerminalOutput
    let escaped: EscapeFlag
    let errorFD: Int32
    var escapes = EscapeDetector()

    /// How long the remote terminal must have been silent before piped input's end is sent as Ctrl-D.
    static let quietBeforeEnd: UInt64 = 300_000_000

    /// The bytes to send of `chunk`, and whether the user ended the session (`~.`: read no more).
    mutating func filter(_ chunk: [UInt8]) -> (bytes: [UInt8], stop: Bool) {
        guard interactive else { return (chunk, false) }
        let (bytes, action) = escapes.feed(chunk)
        switch action {
        case .disconnect:
            escaped.set()
            let shell = self.shell
            Task { await shell.terminate(message: nil) }
            return (bytes, true)
        case .help:
            ConnectTerminal.writeAll(errorFD, EscapeDetector.helpText)
        case .none:
            break
        }
        return (bytes, false)
    }

    /// Frames and writes `bytes` now. False when the channel's send queue is over its limit.
    func send(_ bytes: [UInt8]) -> Bool { shell.sendOnLoop(bytes) }

    /// Input ended (a pipe, a file or /dev/null): end the remote shell as Ctrl-D would, once it has printed
    /// something and then been silent for `quietBeforeEnd` — a Ctrl-D that reaches the terminal while the shell is
    /// still starting is lost (the session then stayed open until its idle timeout), and one queued behind commands
    /// still running is read after them, in order. A terminal does not end this way.
    func inputEnded() {
        guard !interactive else { return }
        if let quiet = output.quietNanoseconds, quiet >= Self.quietBeforeEnd {
            _ = shell.sendOnLoop([4])
            return
        }
        let sender = self
        shell.eventLoop.scheduleTask(in: .milliseconds(100)) { sender.inputEnded() }
    }
}

/// Reads keystrokes on the event loop: one read request at a time, none while the send queue is full.
final class KeystrokeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var keys: KeystrokeSender
    private var paused = false
    private var stopped = false

    init(keys: KeystrokeSender) { self.keys = keys }

    func channelActive(context: ChannelHandlerContext) { context.read() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        let (bytes, stop) = keys.filter(Array(unwrapInboundIn(data).readableBytesView))
        if !bytes.isEmpty, !keys.send(bytes) {
            paused = true
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let loop = context.eventLoop
            let shell = keys.shell
            Task {
                await shell.waitForSendRoom()
                loop.execute {
                    let (handler, context) = bound.value
                    handler.paused = false
                    if !handler.stopped { context.read() }
                }
            }
        }
        if stop {
            stopped = true
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !paused, !stopped { context.read() }
    }

    func stop(channel: any Channel) {
        stopped = true
        channel.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The end of piped input (not `stop()` after the session, nor `~.`).
        if !stopped { keys.inputEnded() }
        stopped = true
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
