import ConsoleCore
import Foundation
import Synchronization
import Testing
@testable import ConsoleUI

/// The console's periodic refresh fetches the fleet and the active sessions, and the session history or the audit
/// events only while shown (each API call is an audit record on gangwayd: an idle console wrote ~2 a second).
@Suite struct RefreshScopeTests {
    /// Counts the calls made to it.
    final class CountingSource: FleetSource {
        let calls = Mutex<[String]>([])
        var contextName: String { "counting" }
        func instances() async throws -> [InstanceRow] { calls.withLock { $0.append("instances") }; return [] }
        func sessions(history: Bool) async throws -> [SessionRow] {
            calls.withLock { $0.append(history ? "history" : "active") }
            return []
        }
        func auditEvents(_ request: AuditRequest) async throws -> AuditPage { calls.withLock { $0.append("audit") }; return AuditPage(rows: [], older: nil) }
        func terminate(sessionId: String) async throws {}
        func openShell(target: String, cols: Int, rows: Int) async throws -> any ShellChannel { throw CancellationError() }
    }

    @Test func onlyShownViewsBeyondTheFleetAreFetched() async {
        let scope = RefreshScope()
        let source = CountingSource()
        let inbox = UIInbox()
        defer { inbox.close() }
        // Fleet view shown: fleet and active sessions only.
        #expect(scope.show([]).isEmpty)
        await ConsoleFetch.run(scope.periodic, source: source, inbox: inbox)
        #expect(source.calls.withLock { $0 } == ["instances", "active"])
        // The Audit view appears: it is newly shown (fetched at once), then part of every refresh until it goes.
        #expect(scope.show([.audit]) == [.audit])
        #expect(scope.show([.audit]).isEmpty)
        source.calls.withLock { $0 = [] }
        await ConsoleFetch.run(scope.periodic, source: source, inbox: inbox)
        #expect(source.calls.withLock { $0 } == ["instances", "active", "audit"])
        _ = scope.show([.history])
        source.calls.withLock { $0 = [] }
        await ConsoleFetch.run(scope.periodic, source: source, inbox: inbox)
        #expect(source.calls.withLock { $0 } == ["instances", "active", "history"])
        // Ctrl-r: everything.
        source.calls.withLock { $0 = [] }
        await ConsoleFetch.run(.all, source: source, inbox: inbox)
        #expect(source.calls.withLock { $0 } == ["instances", "active", "history", "audit"])
    }
}

@Suite struct RefreshPacingTests {
    @Test func throttlingDoublesTheWaitUpToTheCeilingAndAnAnswerResetsIt() {
        var p = RefreshPacing(base: 5, ceiling: 60)
        #expect([true, true, true, true, true].map { p.after(throttled: $0) } == [10, 20, 40, 60, 60])
        #expect(p.after(throttled: false) == 5)
        #expect(RefreshPacing.isThrottle(AWSErrorText.throttling))
        #expect(RefreshPacing.isThrottle("TooManyRequestsException (HTTP 429)"))
        #expect(!RefreshPacing.isThrottle("AccessDeniedException: User: bob is not authorized"))
    }

    enum AWSErrorText { static let throttling = "ThrottlingException: Rate exceeded" }

    /// Throws like a rate-limited API (on the fleet fetch) until told otherwise.
    final class ThrottledSource: FleetSource {
        let throttling = Mutex(true)
        var contextName: String { "throttled" }
        func instances() async throws -> [InstanceRow] {
            if throttling.withLock({ $0 }) { throw TestError(text: AWSErrorText.throttling) }
            return []
        }
        func sessions(history: Bool) async throws -> [SessionRow] { [] }
        func auditEvents(_ request: AuditRequest) async throws -> AuditPage { AuditPage(rows: [], older: nil) }
        func terminate(sessionId: String) async throws {}
        func openShell(target: String, cols: Int, rows: Int) async throws -> any ShellChannel { throw CancellationError() }
    }

    struct TestError: Error, CustomStringConvertible { let text: String; var description: String { text } }

    /// The periodic refresh says when the API throttles it (and how long it now waits) and when it answers again.
    @Test func thePeriodicRefreshSaysItSlowsDownAndWhenItIsBack() async {
        let source = ThrottledSource()
        let inbox = UIInbox()
        defer { inbox.close() }
        let task = Task.detached {
            await ConsoleFetch.periodically(scope: RefreshScope(), base: 0.01, source: source, inbox: inbox)
        }
        defer { task.cancel() }
        var messages: [String] = []
        func collect(until done: ([String]) -> Bool) async {
            let deadline = Date().addingTimeInterval(10)
            while !done(messages), Date() < deadline {
                for case .message(let text, _) in inbox.takeEvents() { messages.append(text) }
                try? await Task.sleep(nanoseconds: 5_000_000)
            }
        }
        await collect { $0.filter { $0.contains("throttling the console's refresh") }.count >= 2 }
        let slowed = messages.filter { $0.contains("throttling the console's refresh") }
        #expect(slowed.count >= 2, "\(messages)")
        // The failure line says the API's error; the next line the wait, which doubles.
        #expect(slowed.prefix(2) == ["the API is throttling the console's refresh: next one in 0.02 s (Ctrl-r refreshes now)",
                                     "the API is throttling the console's refresh: next one in 0.04 s (Ctrl-r refreshes now)"], "\(messages)")
        #expect(messages.contains { $0.contains("ThrottlingException") }, "\(messages)")
        source.throttling.withLock { $0 = false }
        await collect { $0.contains { $0.contains("the API answers again") } }
        #expect(messages.contains { $0.contains("the API answers again: refreshing every 0.01 s") }, "\(messages)")
    }
}
