import Dispatch
import Foundation

/// Waits for process signals (SIGINT, SIGTERM, …) without a polling loop (DispatchSource), so `gangwayd serve`,
/// `gangway-agent`, `gangway demo` and `gangway login` can shut down cleanly instead of dying.
///
/// `install` returns once Dispatch has registered every source: a signal sent after that is never lost. (A signal
/// source is registered asynchronously; a process that announced itself ready before that, as `gangwayd serve` did
/// with its "listening on" line, ignored a SIGTERM sent at once — the signal was already set to SIG_IGN.)
public final class SignalWaiter: @unchecked Sendable {
    // @unchecked: both properties are immutable after init; `sources` only keeps the dispatch sources alive.
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    private init(stream: AsyncStream<Int32>, sources: [any DispatchSourceSignal]) {
        self.stream = stream
        self.sources = sources
    }

    public static func install(_ signals: [Int32]) async -> SignalWaiter {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for sig in signals {
            sources.append(await registeredSource(sig) { continuation.yield(sig) })
        }
        return SignalWaiter(stream: stream, sources: sources)
    }

    /// Takes `sig` over from its default action: `handler` runs (on a global queue) for each delivery. Returns once
    /// Dispatch registered the source, so a signal sent after that is handled, never ignored. Cancel the source to
    /// stop handling (the signal then stays ignored until set otherwise).
    public static func registeredSource(_ sig: Int32, handler: @escaping @Sendable () -> Void) async -> any DispatchSourceSignal {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler(handler: handler)
        await withCheckedContinuation { (registered: CheckedContinuation<Void, Never>) in
            source.setRegistrationHandler { registered.resume() }
            source.resume()
        }
        return source
    }

    /// Returns at the first of the signals.
    public func wait() async {
        for await _ in stream { return }
    }
}
