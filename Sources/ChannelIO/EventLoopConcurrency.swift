import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Runs Swift Concurrency's global jobs on NIO's event-loop threads instead of the Dispatch cooperative pool, for the
/// long-running processes whose hot path is socket → task → socket (gangwayd serve, gangway-agent, gangway connect).
///
/// Why: a keystroke crosses each process as "NIO loop reads a frame → a task handles it → the task writes on the NIO
/// loop". With the cooperative pool that is two thread wake-ups per frame; with the loop as the executor, a task
/// woken from a loop runs on that loop (NIO keeps jobs sticky), so the frame is read, handled and written on one
/// thread. Measured on the 2-vCPU bench machine: echo p50 −10–20 %, context switches per keystroke 10 → 6
/// (gangwayd) and 18 → 11 (agent), bulk throughput unchanged (docs/DECISIONS.md, 2026-12-01).
///
/// The cost: a task that blocks its thread now blocks socket I/O of that loop too. The processes that install this
/// keep blocking work off tasks (fsync on the audit store's own queue, GRDB's own queues, a thread for the shell's
/// `waitpid`, a thread for the terminal's `read`).
///
/// `GANGWAY_NIO_EXECUTOR=0` in the environment keeps the Dispatch pool (to compare, or to rule this out).
public enum EventLoopConcurrency {
    /// Installs the loop executor once per process; later calls do nothing. Returns true when NIO's loops run the
    /// global jobs from now on.
    @discardableResult
    public static func install(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard environment["GANGWAY_NIO_EXECUTOR"] != "0" else { return false }
        return outcome.withLock { outcome in
            // NIO allows one attempt per process, successful or not.
            if outcome == nil { outcome = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() }
            return outcome ?? false
        }
    }

    private static let outcome = Mutex<Bool?>(nil)
}

/// An actor whose executor is an event loop (`DataChannelConnection`, the agent's `ShellSession`).
public protocol EventLoopActor: Actor {
    nonisolated var eventLoop: any EventLoop { get }
}

extension EventLoopActor {
    /// `assumeIsolated` for the per-frame hot path, where the caller is a handler or callback on `eventLoop`: the
    /// same unchecked call into the actor, `operation(self, argument)`, but the executor check (a thread-local lookup
    /// and executor comparison, 3 % of the agent's CPU per keystroke at four calls per key) runs in debug builds only.
    /// Anything not certainly on the loop uses `assumeIsolated`, which traps in release builds too.
    ///
    /// `operation` should capture nothing (what it needs comes as `argument`): a closure without captures has no
    /// context, so the call allocates nothing. (Going through `withoutActuallyEscaping` instead boxed the closure
    /// and its thunk: two heap allocations per call, several per keystroke.)
    @inlinable
    public nonisolated func onLoop<A, T>(_ argument: A, _ operation: @escaping (isolated Self, A) -> T) -> T {
        assert(eventLoop.inEventLoop, "onLoop called off \(Self.self)'s event loop")
        typealias Plain = (Self, A) -> T
        return unsafeBitCast(operation, to: Plain.self)(self, argument)
    }
}
