import Foundation

/// Parses a statement's `Condition` block into typed clauses, checking operator, key and value types.
enum ConditionParser {
    static func conditions(_ json: PositionedJSON) throws(PolicyError) -> [ConditionClause] {
        guard case .object(let operators) = json.value else {
            throw PolicyError(position: json.position, message: "Condition must be an object such as {\"StringEquals\": {\"ssm:resourceTag/env\": \"staging\"}}, found \(json.value.kindName)")
        }
        var clauses: [ConditionClause] = []
        for opMember in operators {
            if opMember.key.hasPrefix("ForAllValues:") || opMember.key.hasPrefix("ForAnyValue:") {
                throw PolicyError(position: opMember.keyPosition, message: "set operators (\(opMember.key)) are not supported: every Gangway condition key has a single value")
            }
            guard let op = ConditionOperator(name: opMember.key) else {
                throw PolicyError(position: opMember.keyPosition, message: "unknown condition operator \"\(opMember.key)\"; known operators: \(ConditionOperator.knownNames)")
            }
            guard case .object(let keys) = opMember.value.value else {
                throw PolicyError(position: opMember.value.position, message: "the value of \(op) must be an object of condition keys, found \(opMember.value.value.kindName)")
            }
            if keys.isEmpty { throw PolicyError(position: opMember.value.position, message: "\(op) has no condition keys") }
            for keyMember in keys {
                guard let key = ConditionKey(name: keyMember.key) else {
                    throw PolicyError(position: keyMember.keyPosition, message: "unknown condition key \"\(keyMember.key)\"; known keys: \(ConditionKey.knownNames)")
                }
                if op.kind != .null, op.valueType != key.valueType {
                    throw PolicyError(position: keyMember.keyPosition, message: "\(op) cannot test \(key) (a \(key.valueType.rawValue) key); use \(key.suggestedOperators)")
                }
                let values = try self.values(keyMember.value, op: op, key: key)
                clauses.append(ConditionClause(op: op, key: key, values: values, position: keyMember.keyPosition))
            }
        }
        return clauses
    }

    /// Scalars as (text, position); JSON numbers and booleans are accepted as their text, as IAM does.
    static func scalars(_ json: PositionedJSON, _ label: String) throws(PolicyError) -> [(String, SourcePosition)] {
        func scalar(_ j: PositionedJSON) throws(PolicyError) -> (String, SourcePosition) {
            switch j.value {
            case .string(let s): return (s, j.position)
            case .number(let n): return (n, j.position)
            case .bool(let b): return (b ? "true" : "false", j.position)
            default: throw PolicyError(position: j.position, message: "a value of \(label) must be a string, number or boolean, found \(j.value.kindName)")
            }
        }
        if case .array(let items) = json.value {
            if items.isEmpty { throw PolicyError(position: json.position, message: "\(label) has an empty list of values") }
            var out: [(String, SourcePosition)] = []
            for item in items { out.append(try scalar(item)) }
            return out
        }
        return [try scalar(json)]
    }

    static func values(_ json: PositionedJSON, op: ConditionOperator, key: ConditionKey) throws(PolicyError) -> ConditionClause.Values {
        let label = "\(op) \(key)"
        let raw = try scalars(json, label)
        switch op.valueType {
        case .string:
            for (s, pos) in raw { try PolicyVariables.validate(s, at: pos) }
            return .strings(raw.map(\.0))
        case .bool:
            var out: [Bool] = []
            for (s, pos) in raw {
                switch s.lowercased() {
                case "true": out.append(true)
                case "false": out.append(false)
                default: throw PolicyError(position: pos, message: "\(label) takes true or false, found \"\(s)\"")
                }
            }
            return .bools(out)
        case .date:
            var out: [Date] = []
            for (s, pos) in raw {
                guard let d = PolicyDate.parse(s) else {
                    throw PolicyError(position: pos, message: "\(label): \"\(s)\" is not a date; use ISO 8601 such as 2026-12-01T08:00:00Z (or epoch seconds)")
                }
                out.append(d)
            }
            return .dates(out)
        case .ipAddress:
            var out: [IPAddressRange] = []
            for (s, pos) in raw {
                guard let r = IPAddressRange(s) else {
                    throw PolicyError(position: pos, message: "\(label): \"\(s)\" is not an IP address or CIDR block such as 203.0.113.0/24 or 2001:db8::/32")
                }
                out.append(r)
            }
            return .ranges(out)
        case .timeWindow:
            var out: [TimeWindow] = []
            for (s, pos) in raw {
                do {
                    out.append(try TimeWindow(parsing: s))
                } catch {
                    throw PolicyError(position: pos, message: "\(label): \(error.message)")
                }
            }
            return .windows(out)
        }
    }
}
