import Foundation

extension PolicyDocument {
    /// Parses and validates a policy document. Errors carry the line and column of the offending element.
    public init(parsing text: String) throws(PolicyError) {
        self = try PolicyDocumentParser.document(try PositionedJSONParser.parse(text))
    }
}

/// Turns positioned JSON into a `PolicyDocument`, rejecting anything Gangway would not enforce as written.
enum PolicyDocumentParser {
    static let topLevelKeys = ["Version", "Id", "Statement"]
    static let statementKeys = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"]

    static func document(_ json: PositionedJSON) throws(PolicyError) -> PolicyDocument {
        guard case .object(let members) = json.value else {
            throw PolicyError(position: json.position, message: "a policy document must be a JSON object, found \(json.value.kindName)")
        }
        try rejectUnknown(members, allowed: topLevelKeys, context: "the policy document")
        var version: String?
        if let v = members.first(where: { $0.key == "Version" }) {
            let s = try string(v.value, "Version")
            guard s == PolicyDocument.currentVersion || s == PolicyDocument.legacyVersion else {
                throw PolicyError(position: v.value.position, message: "Version must be \"2012-10-17\" (or the legacy \"2008-10-17\"), found \"\(s)\"")
            }
            version = s
        }
        let id = try members.first(where: { $0.key == "Id" }).map { m throws(PolicyError) in try string(m.value, "Id") }
        guard let st = members.first(where: { $0.key == "Statement" }) else {
            throw PolicyError(position: json.position, message: "the policy document has no Statement; add \"Statement\": [{\"Effect\": …, \"Action\": …, \"Resource\": …}]")
        }
        var items: [PositionedJSON]
        switch st.value.value {
        case .array(let a): items = a
        case .object: items = [st.value]
        default: throw PolicyError(position: st.value.position, message: "Statement must be an object or an array of objects, found \(st.value.value.kindName)")
        }
        if items.isEmpty { throw PolicyError(position: st.value.position, message: "Statement is empty; a policy needs at least one statement") }
        var statements: [PolicyStatement] = []
        var sids: [String: SourcePosition] = [:]
        for (i, item) in items.enumerated() {
            let s = try statement(item, index: i)
            if let sid = s.sid {
                if let first = sids[sid] {
                    throw PolicyError(position: item.position, message: "Sid \"\(sid)\" is used twice (first at \(first)); Sids must be unique in a policy")
                }
                sids[sid] = item.position
            }
            statements.append(s)
        }
        return PolicyDocument(version: version, id: id, statements: statements)
    }

    static func statement(_ json: PositionedJSON, index: Int) throws(PolicyError) -> PolicyStatement {
        let name = "Statement[\(index)]"
        guard case .object(let members) = json.value else {
            throw PolicyError(position: json.position, message: "\(name) must be an object, found \(json.value.kindName)")
        }
        for m in members where m.key == "Principal" || m.key == "NotPrincipal" {
            throw PolicyError(position: m.keyPosition, message: "\(m.key) is not allowed in an identity policy: attach the policy to a user, group or role instead")
        }
        try rejectUnknown(members, allowed: statementKeys, context: name)
        func member(_ k: String) -> JSONMember? { members.first { $0.key == k } }

        let sid = try member("Sid").map { m throws(PolicyError) in try string(m.value, "Sid") }
        if let sid, let m = member("Sid"), !sid.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw PolicyError(position: m.value.position, message: "Sid \"\(sid)\" may contain only ASCII letters and digits")
        }
        guard let effectMember = member("Effect") else {
            throw PolicyError(position: json.position, message: "\(name) has no Effect; add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"")
        }
        let effectText = try string(effectMember.value, "Effect")
        guard let effect = PolicyStatement.Effect(rawValue: effectText) else {
            throw PolicyError(position: effectMember.value.position, message: "Effect must be \"Allow\" or \"Deny\", found \"\(effectText)\"")
        }

        let actions = try exclusivePair(members, "Action", "NotAction", in: name, at: json.position)
        let actionList = PatternList(try stringList(actions.value, actions.key), negated: actions.key == "NotAction")
        for (i, pattern) in actionList.patterns.enumerated() {
            try validateAction(pattern, at: elementPosition(actions.value, i))
        }
        let resources = try exclusivePair(members, "Resource", "NotResource", in: name, at: json.position)
        let resourceList = PatternList(try stringList(resources.value, resources.key), negated: resources.key == "NotResource")
        for (i, pattern) in resourceList.patterns.enumerated() {
            if let problem = ResourceName.problem(with: pattern) {
                throw PolicyError(position: elementPosition(resources.value, i), message: problem)
            }
            try PolicyVariables.validate(pattern, at: elementPosition(resources.value, i))
        }
        let conditions = try member("Condition").map { m throws(PolicyError) in try ConditionParser.conditions(m.value) } ?? []
        return PolicyStatement(sid: sid, index: index, effect: effect, actions: actionList, resources: resourceList,
                               conditions: conditions)
    }

    static func validateAction(_ pattern: String, at pos: SourcePosition) throws(PolicyError) {
        if pattern == "*" { return }
        let parts = pattern.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw PolicyError(position: pos, message: "\"\(pattern)\" is not an action: write SERVICE:Action, e.g. ssm:StartSession, or \"*\"")
        }
        if ActionCatalog.all.contains(where: { ActionCatalog.pattern(pattern, matches: $0) }) { return }
        var message = "\"\(pattern)\" matches no Gangway action"
        if !Wildcard.hasWildcard(pattern), let s = ActionCatalog.suggestion(for: pattern) { message += "; did you mean \(s)?" }
        message += " Known actions: \(ActionCatalog.all.joined(separator: ", "))"
        throw PolicyError(position: pos, message: message)
    }

    /// Exactly one of two alternatives (`Action`/`NotAction`) must be present.
    static func exclusivePair(_ members: [JSONMember], _ a: String, _ b: String, in name: String,
                              at pos: SourcePosition) throws(PolicyError) -> JSONMember {
        let ma = members.first { $0.key == a }, mb = members.first { $0.key == b }
        if let ma, let mb {
            let later = ma.keyPosition.line > mb.keyPosition.line ? ma : mb
            throw PolicyError(position: later.keyPosition, message: "\(name) has both \(a) and \(b); use only one")
        }
        guard let m = ma ?? mb else { throw PolicyError(position: pos, message: "\(name) has no \(a) (or \(b))") }
        return m
    }

    static func rejectUnknown(_ members: [JSONMember], allowed: [String], context: String) throws(PolicyError) {
        for m in members where !allowed.contains(m.key) {
            var message = "unknown field \"\(m.key)\" in \(context)"
            if let close = allowed.first(where: { $0.lowercased() == m.key.lowercased() }) {
                message += "; did you mean \"\(close)\"? (field names are case-sensitive)"
            } else {
                message += "; allowed fields: \(allowed.joined(separator: ", "))"
            }
            throw PolicyError(position: m.keyPosition, message: message)
        }
    }

    static func string(_ json: PositionedJSON, _ field: String) throws(PolicyError) -> String {
        guard case .string(let s) = json.value else {
            throw PolicyError(position: json.position, message: "\(field) must be a string, found \(json.value.kindName)")
        }
        return s
    }

    /// A string or a non-empty array of strings.
    static func stringList(_ json: PositionedJSON, _ field: String) throws(PolicyError) -> [String] {
        switch json.value {
        case .string(let s): return [s]
        case .array(let items):
            if items.isEmpty { throw PolicyError(position: json.position, message: "\(field) is an empty list; give at least one value") }
            var out: [String] = []
            for item in items { out.append(try string(item, "each \(field) entry")) }
            return out
        default:
            throw PolicyError(position: json.position, message: "\(field) must be a string or an array of strings, found \(json.value.kindName)")
        }
    }

    /// The position of element `i` of an array, or of the value itself when it is a single string.
    static func elementPosition(_ json: PositionedJSON, _ i: Int) -> SourcePosition {
        if case .array(let items) = json.value, i < items.count { return items[i].position }
        return json.position
    }
}
