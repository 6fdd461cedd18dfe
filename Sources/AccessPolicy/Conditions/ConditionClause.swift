import Foundation

/// One `"Operator": {"key": value(s)}` entry of a statement's Condition. Values are parsed and checked when the
/// document is parsed, so evaluation cannot meet a malformed value.
public struct ConditionClause: Sendable, Equatable {
    public var op: ConditionOperator
    public var key: ConditionKey
    public var values: Values
    /// Where the key appears in the document (for messages).
    public var position: SourcePosition?

    public enum Values: Sendable, Equatable {
        case strings([String])
        case dates([Date])
        case ranges([IPAddressRange])
        case bools([Bool])
        case windows([TimeWindow])
    }

    public init(op: ConditionOperator, key: ConditionKey, values: Values, position: SourcePosition? = nil) {
        self.op = op
        self.key = key
        self.values = values
        self.position = position
    }

    /// `StringEquals ssm:resourceTag/env` — how a reason names this clause.
    public var label: String { "\(op) \(key)" }
}

/// What a request offers a condition key.
public enum ConditionContextValue: Sendable, Equatable {
    case string(String)
    case date(Date)
    case ip(IPAddress)
    case bool(Bool)
}

extension ConditionClause {
    /// Whether the clause holds for a request whose value for `key` is `value` (nil when the key is absent).
    /// `expand` rewrites policy variables (`${aws:username}`) in string values.
    public func holds(for value: ConditionContextValue?, expand: (String) -> String = { $0 }) -> Bool {
        if op.kind == .null {
            // Null: true means "the key is absent", false means "the key is present".
            guard case .bools(let flags) = values else { return false }
            return flags.contains(value == nil)
        }
        guard let value else { return op.ifExists || op.isNegated }
        let anyMatches: Bool
        switch (values, value) {
        case (.strings(let patterns), .string(let s)):
            anyMatches = patterns.contains { stringMatches(expand($0), s) }
        case (.dates(let dates), .date(let now)):
            anyMatches = dates.contains { dateMatches($0, now) }
        case (.ranges(let ranges), .ip(let ip)):
            anyMatches = ranges.contains { $0.contains(ip) }
        case (.bools(let flags), .bool(let b)):
            anyMatches = flags.contains(b)
        case (.windows(let windows), .date(let now)):
            anyMatches = windows.contains { $0.contains(now) }
        default:
            return false
        }
        return op.isNegated ? !anyMatches : anyMatches
    }

    private func stringMatches(_ pattern: String, _ s: String) -> Bool {
        switch op.kind {
        case .stringEquals, .stringNotEquals: pattern == s
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: pattern.lowercased() == s.lowercased()
        case .stringLike, .stringNotLike: Wildcard.matches(pattern, s)
        default: false
        }
    }

    private func dateMatches(_ bound: Date, _ now: Date) -> Bool {
        switch op.kind {
        case .dateEquals, .dateNotEquals: now == bound
        case .dateLessThan: now < bound
        case .dateLessThanEquals: now <= bound
        case .dateGreaterThan: now > bound
        case .dateGreaterThanEquals: now >= bound
        default: false
        }
    }
}
