/// Users, groups and roles with their attached policies: a snapshot the evaluator reads. Pure value; gangwayd loads
/// it from its store and replaces it whenever policies or attachments change.
public struct PolicyDirectory: Sendable, Equatable {
    public struct User: Sendable, Equatable {
        public var groups: Set<String>
        public var policies: Set<String>
        public var tags: [String: String]
        public init(groups: Set<String> = [], policies: Set<String> = [], tags: [String: String] = [:]) {
            self.groups = groups
            self.policies = policies
            self.tags = tags
        }
    }

    public struct Group: Sendable, Equatable {
        public var policies: Set<String>
        public init(policies: Set<String> = []) { self.policies = policies }
    }

    public struct Role: Sendable, Equatable {
        public var policies: Set<String>
        public var tags: [String: String]
        public init(policies: Set<String> = [], tags: [String: String] = [:]) {
            self.policies = policies
            self.tags = tags
        }
    }

    /// Customer policies by name (built-ins are not stored here but always resolve).
    public var policies: [String: PolicyDocument]
    public var users: [String: User]
    public var groups: [String: Group]
    public var roles: [String: Role]

    public init(policies: [String: PolicyDocument] = [:], users: [String: User] = [:], groups: [String: Group] = [:],
                roles: [String: Role] = [:]) {
        self.policies = policies
        self.users = users
        self.groups = groups
        self.roles = roles
    }

    /// A customer policy or a built-in one.
    public func document(named name: String) -> PolicyDocument? {
        BuiltinPolicies.all[name] ?? policies[name]
    }

    public func exists(_ principal: PrincipalID) -> Bool {
        switch principal.kind {
        case .user: users[principal.name] != nil
        case .group: groups[principal.name] != nil
        case .role: roles[principal.name] != nil
        }
    }

    /// The principal's policies: its own, then (for a user) each group's, in a stable order.
    /// Policies that no longer exist are skipped (the store prevents that).
    public func attachedPolicies(for principal: PrincipalID) -> [AttachedPolicy] {
        func resolve(_ names: Set<String>, via: String?) -> [AttachedPolicy] {
            names.sorted().compactMap { n in document(named: n).map { AttachedPolicy(name: n, document: $0, via: via) } }
        }
        switch principal.kind {
        case .user:
            guard let user = users[principal.name] else { return [] }
            return resolve(user.policies, via: nil)
                + user.groups.sorted().flatMap { g in resolve(groups[g]?.policies ?? [], via: "group \(g)") }
        case .group:
            return resolve(groups[principal.name]?.policies ?? [], via: nil)
        case .role:
            return resolve(roles[principal.name]?.policies ?? [], via: nil)
        }
    }

    /// The principal's tags (`aws:PrincipalTag/<k>`).
    public func tags(of principal: PrincipalID) -> [String: String] {
        switch principal.kind {
        case .user: users[principal.name]?.tags ?? [:]
        case .role: roles[principal.name]?.tags ?? [:]
        case .group: [:]
        }
    }

    /// Who a policy is attached to (for `policy get` and for refusing to delete an attached policy).
    public func principals(attachedTo policy: String) -> [PrincipalID] {
        (users.filter { $0.value.policies.contains(policy) }.map { PrincipalID.user($0.key) }
            + groups.filter { $0.value.policies.contains(policy) }.map { PrincipalID.group($0.key) }
            + roles.filter { $0.value.policies.contains(policy) }.map { PrincipalID.role($0.key) }).sorted()
    }
}
