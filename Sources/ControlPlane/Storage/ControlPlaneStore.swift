import Foundation

/// The control plane's durable state: users, access keys, registration tokens, agents, sessions.
/// Narrow on purpose: `SQLiteStore` (GRDB, WAL) implements it today; a PostgreSQL store can follow without
/// touching callers. Every method is a single atomic statement or transaction.
public protocol ControlPlaneStore: Sendable {
    /// Throws when the database cannot be reached (`/readyz`).
    func ping() async throws

    func insertUser(_ user: UserRecord) async throws
    func user(named name: String) async throws -> UserRecord?
    func users() async throws -> [UserRecord]

    func insertAccessKey(_ key: AccessKeyRecord) async throws
    func accessKey(id: String) async throws -> AccessKeyRecord?
    func accessKeys(principal: String) async throws -> [AccessKeyRecord]

    func insertRegistrationToken(_ token: RegistrationTokenRecord) async throws
    /// Atomically uses one use of the token if it exists, has uses left and has not expired. Returns whether it did.
    func consumeRegistrationToken(hash: String, now: Date) async throws -> Bool

    func upsertAgent(_ agent: AgentRecord) async throws
    func agent(id: String) async throws -> AgentRecord?
    func agents() async throws -> [AgentRecord]
    func updateAgentPing(id: String, at: Date) async throws
    /// DeregisterManagedInstance: removes the agent and disables its access keys in one transaction. False when no
    /// agent has this id.
    func deregisterAgent(id: String) async throws -> Bool

    func upsertSession(_ session: SessionRecord) async throws
    func session(id: String) async throws -> SessionRecord?
    /// Sessions whose status is active (`true`) or finished (`false`), newest first.
    func sessions(active: Bool) async throws -> [SessionRecord]
}

/// Errors a store reports with a message a user can act on.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
