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
