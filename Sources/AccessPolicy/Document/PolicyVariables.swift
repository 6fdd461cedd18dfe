/// Policy variables in `Resource` patterns and string condition values (policy version 2012-10-17 only):
/// `${aws:username}`, `${aws:PrincipalTag/<key>}`, and the escapes `${*}`, `${?}`, `${$}` for literal characters.
public enum PolicyVariables {
    /// Replaces every variable in `text`. An unknown or absent variable becomes a value no name can contain
    /// (so `arn:…:session/${aws:username}-*` never matches when the user name is unknown).
    public static func expand(_ text: String, username: String?, principalTags: [String: String]) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = String(rest[open.upperBound..<close])
            out += value(of: name, username: username, principalTags: principalTags) ?? "\u{0}unset\u{0}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func value(of name: String, username: String?, principalTags: [String: String]) -> String? {
        switch name {
        case "*": return "*"
        case "?": return "?"
        case "$": return "$"
        default:
            let lower = name.lowercased()
            if lower == "aws:username" { return username }
            if lower.hasPrefix("aws:principaltag/") { return principalTags[String(name.dropFirst("aws:PrincipalTag/".count))] }
            return nil
        }
    }

    /// Rejects unknown variables and unterminated `${`.
    static func validate(_ text: String, at pos: SourcePosition) throws(PolicyError) {
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw PolicyError(position: pos, message: "unterminated policy variable in \"\(text)\"; write ${aws:username}")
            }
            let name = String(rest[open.upperBound..<close])
            let lower = name.lowercased()
            let known = ["*", "?", "$", "aws:username"].contains(lower)
                || (lower.hasPrefix("aws:principaltag/") && name.count > "aws:PrincipalTag/".count)
            if !known {
                throw PolicyError(position: pos, message: "unknown policy variable ${\(name)}; supported: ${aws:username}, ${aws:PrincipalTag/<key>}, ${*}, ${?}, ${$}")
            }
            rest = rest[rest.index(after: close)...]
        }
    }
}
