/// IAM-style wildcard matching: `*` matches any run of characters (including none), `?` exactly one.
/// There is no escape; a literal `*` in a name is matched by `*` itself.
public enum Wildcard {
    /// Whether `text` matches `pattern`. Linear-time greedy matching with one backtrack point (no recursion).
    public static func matches(_ pattern: String, _ text: String, caseInsensitive: Bool = false) -> Bool {
        let p = Array((caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars)
        let t = Array((caseInsensitive ? text.lowercased() : text).unicodeScalars)
        var pi = 0, ti = 0
        var starP = -1, starT = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti], p[pi] != "*" {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                starP = pi
                starT = ti
                pi += 1
            } else if starP >= 0 {
                pi = starP + 1
                starT += 1
                ti = starT
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    public static func hasWildcard(_ pattern: String) -> Bool {
        pattern.contains("*") || pattern.contains("?")
    }
}
