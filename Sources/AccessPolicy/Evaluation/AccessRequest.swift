import Foundation

/// Everything a policy can test about one request. Time is always given (the server's injected clock).
public struct AccessRequest: Sendable, Equatable {
    /// The calling user's name (or the role name for a role session).
    public var principal: String
    /// `ssm:StartSession`, … (matched case-insensitively).
    public var action: String
    /// Instance id (`mi-…`, `i-…`), session id (`alice-0123…`) or `*` for list operations.
    public var resource: String
    /// Tags (agent labels) of the target instance. `eks:cluster-name` / `eks:nodegroup-name` feed
    /// `gangway:cluster` / `gangway:nodegroup`.
    public var resourceTags: [String: String]
    public var principalTags: [String: String]
    public var sourceIP: String?
    public var time: Date
    public var multiFactorAuthPresent: Bool

    public init(principal: String, action: String, resource: String, resourceTags: [String: String] = [:],
                principalTags: [String: String] = [:], sourceIP: String? = nil, time: Date,
                multiFactorAuthPresent: Bool = false) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.resourceTags = resourceTags
        self.principalTags = principalTags
        self.sourceIP = sourceIP
        self.time = time
        self.multiFactorAuthPresent = multiFactorAuthPresent
    }

    public static let clusterLabel = "eks:cluster-name"
    public static let nodegroupLabel = "eks:nodegroup-name"

    /// The request's value for a condition key, or nil when the request has none.
    public func value(for key: ConditionKey) -> ConditionContextValue? {
        switch key {
        case .currentTime, .window: return .date(time)
        case .sourceIP: return sourceIP.flatMap(IPAddress.init).map { .ip($0) }
        case .multiFactorAuthPresent: return .bool(multiFactorAuthPresent)
        case .username: return .string(principal)
        case .principalTag(let k): return principalTags[k].map { .string($0) }
        case .resourceTag(let k): return resourceTags[k].map { .string($0) }
        case .cluster: return resourceTags[Self.clusterLabel].map { .string($0) }
        case .nodegroup: return resourceTags[Self.nodegroupLabel].map { .string($0) }
        }
    }
}
