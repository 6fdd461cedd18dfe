import Foundation

/// Waits for process signals (SIGINT, SIGTERM, …) without a polling loop (DispatchSource), so `gangwayd serve` and
/// `gangway demo` can shut the control plane down cleanly instead of dying with it.
public final class SignalWaiter: @unchecked Sendable {
    // @unchecked: both properties are immutable after init; `sources` only keeps the dispatch sources alive.
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    private init(stream: AsyncStream<Int32>, sources: [any DispatchSourceSignal]) {
        self.stream = stream
        self.sources = sources
    }

    public static func install(_ signals: [Int32]) -> SignalWaiter {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = signals.map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { continuation.yield(sig) }
            s.resume()
            return s
        }
        return SignalWaiter(stream: stream, sources: sources)
    }

    public func wait() async {
        for await _ in stream { return }
    }
}
