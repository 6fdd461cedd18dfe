/// The Fleet view filter typed after `/`: space-separated terms, all must match.
/// `tag:key=value` (or `tag:key` for presence) matches tags; `status:lost`, `cluster:NAME` match fields;
/// any other term is a fuzzy match against name, id, IP, platform, cluster and nodegroup.
public struct FleetFilter: Sendable, Hashable {
    public enum Term: Sendable, Hashable {
        case fuzzy(String)
        case tag(key: String, value: String?)
        case status(String)
        case cluster(String)
    }

    public var text: String
    public var terms: [Term]

    public init(_ text: String) {
        self.text = text
        terms = text.split(separator: " ").map { raw -> Term in
            let t = String(raw)
            if t.hasPrefix("tag:") {
                let kv = t.dropFirst(4)
                if let eq = kv.firstIndex(of: "=") { return .tag(key: String(kv[..<eq]), value: String(kv[kv.index(after: eq)...])) }
                return .tag(key: String(kv), value: nil)
            }
            if t.hasPrefix("status:") { return .status(String(t.dropFirst(7)).lowercased()) }
            if t.hasPrefix("cluster:") { return .cluster(String(t.dropFirst(8))) }
            return .fuzzy(t)
        }
    }

    public func matches(_ row: InstanceRow) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .fuzzy(let n):
                return [row.name, row.id, row.ip, row.platform, row.cluster ?? "", row.nodegroup ?? ""]
                    .contains { FuzzyMatch.matches(n, $0) }
            case .tag(let k, let v):
                guard let have = row.tags[k] else { return false }
                return v == nil || have == v
            case .status(let s):
                return row.pingStatus.rawValue.lowercased().hasPrefix(s) || (s == "lost" && row.pingStatus == .connectionLost)
            case .cluster(let c):
                return row.cluster == c
            }
        }
    }
}
