/// The outcome of evaluating a request, naming what decided it.
public struct PolicyDecision: Sendable, Equatable, CustomStringConvertible {
    public enum Outcome: String, Sendable, Equatable {
        /// An Allow statement matched and no Deny did.
        case allowed
        /// A Deny statement matched (it wins over any Allow).
        case explicitDeny = "explicit deny"
        /// Nothing allowed the request.
        case implicitDeny = "default deny"
        /// A user ending or resuming their own session (always allowed unless explicitly denied).
        case ownSession = "own session"
    }

    public var outcome: Outcome
    /// The deciding statement, for `.allowed` and `.explicitDeny`.
    public var statement: StatementReference?
    /// One sentence for the user, the error message and the audit log.
    public var reason: String

    public init(outcome: Outcome, statement: StatementReference? = nil, reason: String) {
        self.outcome = outcome
        self.statement = statement
        self.reason = reason
    }

    public var allowed: Bool { outcome == .allowed || outcome == .ownSession }
    public var description: String { reason }
}

/// Which statement of which attached policy, and how the policy reached the principal.
public struct StatementReference: Sendable, Equatable, CustomStringConvertible {
    public var policy: String
    /// The statement's Sid, or `Statement[i]`.
    public var statement: String
    /// `group ops` when the policy is attached to a group the user belongs to; nil when attached directly.
    public var via: String?

    public init(policy: String, statement: String, via: String? = nil) {
        self.policy = policy
        self.statement = statement
        self.via = via
    }

    /// `policy staging-shells statement AllowStaging (via group ops)`.
    public var description: String {
        "policy \(policy) statement \(statement)" + (via.map { " (via \($0))" } ?? "")
    }
}
