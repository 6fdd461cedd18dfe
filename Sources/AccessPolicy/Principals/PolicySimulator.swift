import Foundation

/// Answers "may P do A on T at time X from IP Y, and which statement says so?" and "who can reach T at X?" without
/// touching a live system: the same evaluator gangwayd uses, over a directory snapshot.
public struct PolicySimulator: Sendable {
    public var directory: PolicyDirectory
    public var evaluator: PolicyEvaluator

    public init(directory: PolicyDirectory, evaluator: PolicyEvaluator = PolicyEvaluator()) {
        self.directory = directory
        self.evaluator = evaluator
    }

    /// A target as the simulator sees it: an instance (or session) id with its tags.
    public struct Target: Sendable, Equatable {
        public var id: String
        public var tags: [String: String]
        public init(id: String, tags: [String: String] = [:]) {
            self.id = id
            self.tags = tags
        }
    }

    public func simulate(principal: PrincipalID, action: String, target: Target, at time: Date,
                         sourceIP: String? = nil, mfa: Bool = false) -> PolicyDecision {
        guard principal.kind != .group else {
            return PolicyDecision(outcome: .implicitDeny, reason: "denied: \(principal) is a group; groups do not make requests — simulate one of its users")
        }
        guard directory.exists(principal) else {
            return PolicyDecision(outcome: .implicitDeny, reason: "denied: \(principal) does not exist (default deny)")
        }
        let request = AccessRequest(principal: principal.name, action: action, resource: target.id,
                                    resourceTags: target.tags, principalTags: directory.tags(of: principal),
                                    sourceIP: sourceIP, time: time, multiFactorAuthPresent: mfa)
        return evaluator.evaluate(request, policies: directory.attachedPolicies(for: principal))
    }

    public struct Reach: Sendable, Equatable {
        public var principal: PrincipalID
        public var decision: PolicyDecision
    }

    /// Every user and role allowed `action` (StartSession by default) on `target` at `time`, sorted by principal.
    /// Conditions on `aws:SourceIp` see `sourceIP` (absent when nil, so `IpAddress` conditions fail) and
    /// `aws:MultiFactorAuthPresent` sees `mfa`.
    public func whoCanReach(_ target: Target, at time: Date, action: String = ActionCatalog.startSession,
                            sourceIP: String? = nil, mfa: Bool = false) -> [Reach] {
        let candidates = directory.users.keys.map(PrincipalID.user) + directory.roles.keys.map(PrincipalID.role)
        return candidates.sorted().compactMap { p in
            let d = simulate(principal: p, action: action, target: target, at: time, sourceIP: sourceIP, mfa: mfa)
            return d.allowed ? Reach(principal: p, decision: d) : nil
        }
    }
}
