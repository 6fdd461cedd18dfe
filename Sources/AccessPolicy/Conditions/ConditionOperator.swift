/// A condition operator (`StringEquals`, `IpAddress`, `gangway:TimeWindow`, …), optionally with the IAM `IfExists`
/// suffix (the condition holds when the key is absent from the request).
public struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals"
        case stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike"
        case stringNotLike = "StringNotLike"
        case dateEquals = "DateEquals"
        case dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan"
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        case ipAddress = "IpAddress"
        case notIpAddress = "NotIpAddress"
        case bool = "Bool"
        case null = "Null"
        case timeWindow = "gangway:TimeWindow"
        case notTimeWindow = "gangway:NotTimeWindow"
    }

    public var kind: Kind
    public var ifExists: Bool

    public init(_ kind: Kind, ifExists: Bool = false) {
        self.kind = kind
        self.ifExists = ifExists
    }

    /// Parses an operator name (case-sensitive, as IAM does). Returns nil for unknown operators.
    public init?(name: String) {
        if let k = Kind(rawValue: name) {
            self.init(k)
        } else if name.hasSuffix("IfExists"), let k = Kind(rawValue: String(name.dropLast("IfExists".count))), k != .null {
            self.init(k, ifExists: true)
        } else {
            return nil
        }
    }

    public var description: String { kind.rawValue + (ifExists ? "IfExists" : "") }

    /// The type of the values the operator compares.
    public var valueType: ConditionValueType {
        switch kind {
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike, .stringNotLike: .string
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals: .date
        case .ipAddress, .notIpAddress: .ipAddress
        case .bool, .null: .bool
        case .timeWindow, .notTimeWindow: .timeWindow
        }
    }

    /// Negated operators hold when none of the values match, and (as in IAM) when the key is absent.
    public var isNegated: Bool {
        switch kind {
        case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .dateNotEquals, .notIpAddress, .notTimeWindow: true
        default: false
        }
    }

    /// The operator names accepted, for error messages.
    public static var knownNames: String {
        Kind.allCases.map(\.rawValue).joined(separator: ", ") + " (each but Null also with the IfExists suffix)"
    }
}

public enum ConditionValueType: String, Sendable {
    case string, date, ipAddress = "IP address", bool = "boolean", timeWindow = "time window"
}
