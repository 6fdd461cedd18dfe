/// A named policy as it applies to one principal.
public struct AttachedPolicy: Sendable, Equatable {
    public var name: String
    public var document: PolicyDocument
    /// `group ops` / `role oncall` when inherited; nil when attached to the principal itself.
    public var via: String?

    public init(name: String, document: PolicyDocument, via: String? = nil) {
        self.name = name
        self.document = document
        self.via = via
    }
}

/// IAM evaluation logic: an explicit Deny wins, then an Allow, otherwise deny by default.
///
/// Gangway rule on top: a user may always terminate their own session (ending access is always safe), and may resume
/// their own session unless a statement explicitly denies it. A session's owner is the user-name prefix of its id
/// (`alice-0123456789abcdef0`). Ending or resuming someone else's session needs the permission.
public struct PolicyEvaluator: Sendable {
    /// Where resource ARNs live (`arn:PARTITION:ssm:REGION:ACCOUNT:…`).
    public var partition: String
    public var region: String
    public var account: String

    public init(partition: String = "aws", region: String = "us-east-1", account: String = "000000000000") {
        self.partition = partition
        self.region = region
        self.account = account
    }

    public func evaluate(_ request: AccessRequest, policies: [AttachedPolicy]) -> PolicyDecision {
        let resource = ResourceName(request.resource, partition: partition, region: region, account: account)
        let target = request.resource == "*" ? "*" : request.resource
        var firstAllow: StatementReference?
        var nearMiss: (StatementReference, ConditionClause)?

        for policy in policies {
            let expand: (String) -> String = policy.document.expandsVariables
                ? { PolicyVariables.expand($0, username: request.principal, principalTags: request.principalTags) }
                : { $0 }
            for statement in policy.document.statements {
                guard actionMatches(statement.actions, request.action),
                      resourceMatches(statement.resources, resource, expand: expand) else { continue }
                let ref = StatementReference(policy: policy.name, statement: statement.label, via: policy.via)
                if let failed = statement.conditions.first(where: { !$0.holds(for: request.value(for: $0.key), expand: expand) }) {
                    if statement.effect == .allow, nearMiss == nil { nearMiss = (ref, failed) }
                    continue
                }
                switch statement.effect {
                case .deny:
                    if isOwnSession(request, action: ActionCatalog.terminateSession) {
                        return PolicyDecision(outcome: .ownSession,
                                              reason: "allowed: \(request.principal) may always end their own session \(target)")
                    }
                    return PolicyDecision(outcome: .explicitDeny, statement: ref,
                                          reason: "denied: \(ref) explicitly denies \(request.action) on \(target)")
                case .allow:
                    if firstAllow == nil { firstAllow = ref }
                }
            }
        }
        if let firstAllow {
            return PolicyDecision(outcome: .allowed, statement: firstAllow,
                                  reason: "allowed: \(firstAllow) allows \(request.action) on \(target)")
        }
        if ActionCatalog.ownSessionActions.contains(where: { isOwnSession(request, action: $0) }) {
            return PolicyDecision(outcome: .ownSession,
                                  reason: "allowed: \(request.principal) may always end or resume their own session \(target)")
        }
        var reason = "denied: no statement allows \(request.action) on \(target) (default deny)"
        if policies.isEmpty {
            reason += "; \(request.principal) has no policies attached"
        } else if let (ref, clause) = nearMiss {
            reason += "; nearest: \(ref) requires \(clause.label) \(Self.describe(clause.values))"
        }
        return PolicyDecision(outcome: .implicitDeny, reason: reason)
    }

    func actionMatches(_ list: PatternList, _ action: String) -> Bool {
        let any = list.patterns.contains { ActionCatalog.pattern($0, matches: action) }
        return list.negated ? !any : any
    }

    func resourceMatches(_ list: PatternList, _ resource: ResourceName, expand: (String) -> String) -> Bool {
        let any = list.patterns.contains { resource.matches(expand($0)) }
        return list.negated ? !any : any
    }

    func isOwnSession(_ request: AccessRequest, action: String) -> Bool {
        request.action.lowercased() == action.lowercased()
            && ResourceName.sessionOwner(of: request.resource) == request.principal
    }

    static func describe(_ values: ConditionClause.Values) -> String {
        let items: [String] = switch values {
        case .strings(let s): s.map { "\"\($0)\"" }
        case .dates(let d): d.map { "\($0)" }
        case .ranges(let r): r.map(\.description)
        case .bools(let b): b.map(\.description)
        case .windows(let w): w.map { "\"\($0.text)\"" }
        }
        return items.count == 1 ? items[0] : "one of [" + items.joined(separator: ", ") + "]"
    }
}
