import ChannelIO
import Dispatch
import Synchronization

/// `gangway connect`'s output to the local terminal, written on the data channel's event loop as each frame is read
/// (a `DataChannelSink`: no task, stream or thread hand-over per frame between the socket and the terminal).
///
/// Held until `open()`: output that arrives while the session is being set up (before the terminal is raw and the
/// "Starting session" line is out) is kept and written first when it opens, in order. A blocking write holds the
/// loop: the socket is not read meanwhile and TCP pushes back to gangwayd (a terminal stopped with Ctrl-S stops the
/// stream, as with ssh).
public final class TerminalOutput: DataChannelSink {
    private struct State {
        var open = false
        var held: [UInt8] = []
        var closed = false
    }

    public let fd: Int32
    // Writes happen under the lock, so `open()` writing the held bytes and the loop writing new ones cannot interleave.
    private let state = Mutex(State())
    /// When output last arrived (monotonic nanoseconds; 0: never).
    private let lastArrival = Atomic<UInt64>(0)

    public init(fd: Int32) { self.fd = fd }

    /// How long no output has arrived; nil while none has.
    public var quietNanoseconds: UInt64? {
        let last = lastArrival.load(ordering: .relaxed)
        return last == 0 ? nil : DispatchTime.now().uptimeNanoseconds &- last
    }

    public func write(_ bytes: [UInt8]) {
        lastArrival.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
        state.withLock { s in
            guard !s.closed else { return }
            if s.open { ConnectTerminal.writeAll(fd, bytes) } else { s.held += bytes }
        }
    }

    /// Writes what was held and, from now on, each chunk as it arrives.
    public func open() {
        state.withLock { s in
            guard !s.open, !s.closed else { return }
            s.open = true
            ConnectTerminal.writeAll(fd, s.held)
            s.held = []
        }
    }

    /// Drops anything still held and ignores later output (the terminal is being restored).
    public func close() {
        state.withLock { s in
            s.closed = true
            s.held = []
        }
    }

    /// Bytes held until `open()`.
    public var heldBytes: Int { state.withLock { $0.held.count } }
}
