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
}
