import Foundation

/// Where the console gets its data: the fleet, sessions, audit, and interactive shells.
///
/// Implemented by `SSMFleetSource` (GangwayClient, talks to AWS SSM or gangwayd) and by
/// `FakeFleetSource` (local PTY shells, for tests and `gangway console --fake-fleet`).
/// The console calls these from its own tasks; implementations must be safe to call concurrently.
public protocol FleetSource: Sendable {
    /// Every managed instance the caller may see (one page-merged list).
    func instances() async throws -> [InstanceRow]
    /// Sessions: active ones (`history == false`) or terminated ones (`history == true`).
    func sessions(history: Bool) async throws -> [SessionRow]
    /// Audit events (changes), newest first: the newest page, or the page below an earlier one (`AuditRequest`).
    func auditEvents(_ request: AuditRequest) async throws -> AuditPage
    /// Ends a session (TerminateSession). Throws with a user-readable message when it cannot.
    func terminate(sessionId: String) async throws
    /// Starts an interactive shell session on `target` with an initial PTY size.
    func openShell(target: String, cols: Int, rows: Int) async throws -> any ShellChannel
    /// Shown in the console header: a profile name, region or endpoint URL.
    var contextName: String { get }
}

/// One interactive shell session as seen by a console pane.
public protocol ShellChannel: Sendable {
    var sessionId: String { get }
    /// Output of the remote PTY, then one `.exited` event; the stream finishes after it.
    var output: AsyncStream<ShellEvent> { get }
    /// Keystrokes / pasted bytes to the remote PTY.
    func send(_ bytes: [UInt8]) async
    /// Tells the remote PTY the pane's new size.
    func resize(cols: Int, rows: Int) async
    /// Closes the pane's session: terminates it on the server side.
    func close() async
}

/// What a shell channel delivers.
public enum ShellEvent: Sendable, Equatable {
    case data([UInt8])
    case exited(code: Int32?, message: String?)
}

/// Which audit events to fetch.
public enum AuditRequest: Sendable, Equatable {
    /// The newest `limit` events.
    case newest(limit: Int)
    /// The `limit` events below the page whose `older` token this is.
    case older(String, limit: Int)
}

/// One page of audit events, newest first.
public struct AuditPage: Sendable, Equatable {
    public var rows: [AuditRow]
    /// Continues below this page's oldest event (`AuditRequest.older`); nil when there is nothing older.
    public var older: String?
    public init(rows: [AuditRow], older: String?) {
        self.rows = rows
        self.older = older
    }
}
