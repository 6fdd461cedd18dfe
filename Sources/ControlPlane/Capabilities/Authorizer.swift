import Foundation

/// Decides whether a principal may perform an action. The policy helper's `AccessPolicy` module plugs in here.
/// gangwayd calls it after SigV4 verification, for every API operation, and audits denials.
public protocol Authorizer: Sendable {
    func authorize(_ request: AuthorizationRequest) async -> AuthorizationDecision
}

public struct AuthorizationRequest: Sendable, Equatable {
    /// User name (`alice`) or agent instance id (`mi-…`).
    public var principal: String
    /// IAM-style action: `ssm:StartSession`, `ssm:DescribeInstanceInformation`, `ssm:TerminateSession`, …
    public var action: String
    /// The instance id or session id acted on, or `*` for list operations.
    public var resource: String
    /// Tags (agent labels) of the target instance, empty when not applicable.
    public var resourceTags: [String: String]
    public var sourceIP: String?
    public var time: Date
    /// Whether the caller authenticated with MFA (always false until SSO lands).
    public var mfa: Bool
    public var principalTags: [String: String]

    public init(principal: String, action: String, resource: String, resourceTags: [String: String] = [:],
                sourceIP: String? = nil, time: Date, mfa: Bool = false, principalTags: [String: String] = [:]) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.resourceTags = resourceTags
        self.sourceIP = sourceIP
        self.time = time
        self.mfa = mfa
        self.principalTags = principalTags
    }
}

public struct AuthorizationDecision: Sendable, Equatable {
    public var allowed: Bool
    /// Human-readable: why it was allowed or denied (goes into the error message and the audit log).
    public var reason: String
    /// The policy statement id that decided, if any.
    public var statement: String?

    public init(allowed: Bool, reason: String, statement: String? = nil) {
        self.allowed = allowed
        self.reason = reason
        self.statement = statement
    }
}

/// Allows everything. The default until a policy is configured: any valid key may do everything.
public struct AllowAllAuthorizer: Authorizer {
    public init() {}
    public func authorize(_ request: AuthorizationRequest) async -> AuthorizationDecision {
        AuthorizationDecision(allowed: true, reason: "no policy configured: all authenticated principals are allowed")
    }
}
