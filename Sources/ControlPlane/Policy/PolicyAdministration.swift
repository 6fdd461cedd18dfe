import AccessPolicy
import Foundation

/// What `gangwayd admin policy|group|role …` does, over a `PolicyStore` and the core store (for users and for the
/// tags of a simulated target). Errors are `StoreError`s whose text is ready to print.
public struct PolicyAdministration: Sendable {
    public let policies: any PolicyStore
    public let core: any ControlPlaneStore
    public let evaluator: PolicyEvaluator

    public init(policies: any PolicyStore, core: any ControlPlaneStore, evaluator: PolicyEvaluator = PolicyEvaluator()) {
        self.policies = policies
        self.core = core
        self.evaluator = evaluator
    }

    /// Validates and stores a policy. `source` names the file in error messages (`staging.json:3:14: …`).
    /// Returns true when it was created, false when it replaced an existing one.
    @discardableResult
    public func put(name: String, document: String, source: String = "policy", now: Date = Date()) async throws -> Bool {
        try Self.validatePolicyName(name)
        if BuiltinPolicies.isBuiltin(name) {
            throw StoreError("\(name) is a built-in policy and cannot be replaced; choose another name")
        }
        do {
            _ = try PolicyDocument(parsing: document)
        } catch {
            throw StoreError("\(source):\(error.line):\(error.column): \(error.message)")
        }
        return try await policies.putPolicy(name: name, document: document, now: now)
    }

    /// The document text (built-ins included).
    public func get(name: String) async throws -> String {
        if let text = BuiltinPolicies.text[name] { return text }
        guard let p = try await policies.policy(named: name) else {
            throw StoreError("no policy named \(name); `gangwayd admin policy list` shows them")
        }
        return p.document
    }

    public struct Listing: Sendable, Equatable {
        public var name: String
        public var builtin: Bool
        public var attachedTo: [PrincipalID]
    }

    /// Built-ins first, then customer policies by name, each with who it is attached to.
    public func list() async throws -> [Listing] {
        let stored = try await policies.policies()
        let directory = try await policies.directory()
        let builtins = BuiltinPolicies.text.keys.sorted().map {
            Listing(name: $0, builtin: true, attachedTo: directory.principals(attachedTo: $0))
        }
        return builtins + stored.map { Listing(name: $0.name, builtin: false, attachedTo: $0.attachedTo) }
    }

    public func delete(name: String) async throws {
        if BuiltinPolicies.isBuiltin(name) { throw StoreError("\(name) is a built-in policy and cannot be deleted") }
        try await policies.deletePolicy(named: name)
    }

    public func attach(policy: String, to principal: PrincipalID) async throws {
        try await policies.attach(policy: policy, to: principal)
    }

    public func detach(policy: String, from principal: PrincipalID) async throws {
        try await policies.detach(policy: policy, from: principal)
    }

    public func createGroup(_ name: String, now: Date = Date()) async throws {
        try Self.validatePrincipalName(name, kind: "group")
        try await policies.createGroup(name, now: now)
    }

    public func addUser(_ user: String, toGroup group: String) async throws {
        try await policies.addUser(user, toGroup: group)
    }

    public func removeUser(_ user: String, fromGroup group: String) async throws {
        try await policies.removeUser(user, fromGroup: group)
    }

    public func createRole(_ name: String, trust: String = "{}", maxSessionSeconds: Int = 3600, now: Date = Date()) async throws {
        try Self.validatePrincipalName(name, kind: "role")
        guard (900...43_200).contains(maxSessionSeconds) else {
            throw StoreError("--max-session-duration must be 900–43200 seconds, got \(maxSessionSeconds)")
        }
        try await policies.createRole(RoleRecord(name: name, trust: trust, maxSessionSeconds: maxSessionSeconds, createdAt: now))
    }

    public func setTag(_ key: String, value: String?, on principal: PrincipalID) async throws {
        guard !key.isEmpty, key.count <= 128, !key.contains("/") else {
            throw StoreError("tag key `\(key)` is invalid: use 1–128 characters without `/`")
        }
        try await policies.setTag(key, value: value, on: principal)
    }

    // MARK: simulation

    /// The simulator over the current directory.
    public func simulator() async throws -> PolicySimulator {
        PolicySimulator(directory: try await policies.directory(), evaluator: evaluator)
    }

    /// A target with its tags: a registered instance's agent labels, or none for sessions and unknown ids.
    public func target(_ id: String) async throws -> PolicySimulator.Target {
        PolicySimulator.Target(id: id, tags: try await core.agent(id: id)?.labels ?? [:])
    }

    public func simulate(principal: String, action: String, target: String, at time: Date,
                         sourceIP: String? = nil, mfa: Bool = false) async throws -> PolicyDecision {
        guard let p = PrincipalID(parsing: principal) else {
            throw StoreError("principal `\(principal)` is invalid: write a user name, user/NAME or role/NAME")
        }
        if let ip = sourceIP, IPAddress(ip) == nil { throw StoreError("--source-ip `\(ip)` is not an IP address") }
        guard ActionCatalog.all.contains(where: { $0.lowercased() == action.lowercased() }) else {
            throw StoreError("unknown action \(action); known actions: \(ActionCatalog.all.joined(separator: ", "))")
        }
        return try await simulator().simulate(principal: p, action: action, target: try await self.target(target),
                                              at: time, sourceIP: sourceIP, mfa: mfa)
    }

    public func whoCanReach(target: String, at time: Date, action: String = ActionCatalog.startSession,
                            sourceIP: String? = nil, mfa: Bool = false) async throws -> [PolicySimulator.Reach] {
        if let ip = sourceIP, IPAddress(ip) == nil { throw StoreError("--source-ip `\(ip)` is not an IP address") }
        return try await simulator().whoCanReach(try await self.target(target), at: time, action: action,
                                                 sourceIP: sourceIP, mfa: mfa)
    }

    // MARK: validation

    /// Policy names: 1–128 of letters, digits and `+=,.@-_` (the IAM alphabet).
    static func validatePolicyName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 128,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+=,.@-_".contains($0)) }) else {
            throw StoreError("policy name `\(name)` is invalid: use 1–128 letters, digits or + = , . @ - _")
        }
    }

    static func validatePrincipalName(_ name: String, kind: String) throws {
        guard PrincipalID.isValidName(Substring(name)) else {
            throw StoreError("\(kind) name `\(name)` is invalid: use 1–64 letters, digits or _ + = , . @ -")
        }
    }
}
