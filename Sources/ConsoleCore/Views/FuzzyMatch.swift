/// Subsequence fuzzy matching, case-insensitive: "ipweb" matches "ip-10-web-1".
public enum FuzzyMatch {
    public static func matches(_ needle: String, _ haystack: String) -> Bool {
        if needle.isEmpty { return true }
        var it = haystack.lowercased().unicodeScalars.makeIterator()
        outer: for n in needle.lowercased().unicodeScalars {
            while let h = it.next() { if h == n { continue outer } }
            return false
        }
        return true
    }

    /// The filter of the Sessions and Audit views, like the Fleet view's: space-separated terms, each matching one
    /// field on its own. Matched against all fields run together, "bob" found b…o…b across an agent's id and event
    /// name and listed its events under a user's name.
    public static func matches(filter: String, fields: [String]) -> Bool {
        filter.split(separator: " ").allSatisfy { term in fields.contains { matches(String(term), $0) } }
    }
}
