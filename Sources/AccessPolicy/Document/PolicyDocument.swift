/// An IAM-style identity policy: the subset of the IAM JSON grammar Gangway understands.
///
/// ```json
/// {"Version": "2012-10-17",
///  "Statement": [{"Sid": "StagingShells", "Effect": "Allow", "Action": "ssm:StartSession",
///                 "Resource": "arn:aws:ssm:*:*:managed-instance/*",
///                 "Condition": {"StringEquals": {"ssm:resourceTag/env": "staging"}}}]}
/// ```
/// Parse with `PolicyDocument(parsing:)`; see docs/POLICY.md for every element.
public struct PolicyDocument: Sendable, Equatable {
    /// `2012-10-17` (policy variables such as `${aws:username}` are expanded) or `2008-10-17` (they are not).
    public var version: String?
    public var id: String?
    public var statements: [PolicyStatement]

    public init(version: String? = PolicyDocument.currentVersion, id: String? = nil, statements: [PolicyStatement]) {
        self.version = version
        self.id = id
        self.statements = statements
    }

    public static let currentVersion = "2012-10-17"
    public static let legacyVersion = "2008-10-17"

    /// Whether `${…}` policy variables are expanded (IAM does so only for version 2012-10-17).
    public var expandsVariables: Bool { version == Self.currentVersion }
}

public struct PolicyStatement: Sendable, Equatable {
    public enum Effect: String, Sendable, Equatable {
        case allow = "Allow"
        case deny = "Deny"
    }

    public var sid: String?
    /// Position in the document's Statement array (0-based); names the statement when it has no Sid.
    public var index: Int
    public var effect: Effect
    /// `Action` patterns, or `NotAction` patterns when `actions.negated`.
    public var actions: PatternList
    /// `Resource` patterns, or `NotResource` patterns when `resources.negated`.
    public var resources: PatternList
    /// All must hold (AND across operators and keys).
    public var conditions: [ConditionClause]

    public init(sid: String? = nil, index: Int = 0, effect: Effect, actions: PatternList, resources: PatternList,
                conditions: [ConditionClause] = []) {
        self.sid = sid
        self.index = index
        self.effect = effect
        self.actions = actions
        self.resources = resources
        self.conditions = conditions
    }

    /// The Sid, or `Statement[i]` when it has none.
    public var label: String { sid ?? "Statement[\(index)]" }
}

/// A list of wildcard patterns (`Action`/`Resource`) or its negation (`NotAction`/`NotResource`).
public struct PatternList: Sendable, Equatable {
    public var patterns: [String]
    public var negated: Bool

    public init(_ patterns: [String], negated: Bool = false) {
        self.patterns = patterns
        self.negated = negated
    }
}
