import Foundation

/// Turns what the user typed after `gangway connect` into one instance: an instance id, a Name or
/// ComputerName, or a unique prefix of either. Pure.
public enum TargetResolution: Sendable, Equatable {
    case instance(InstanceInformation)
    case ambiguous([InstanceInformation])
    case notFound
}

public enum TargetResolver {
    /// Matching order: exact id; exact name (case-sensitive, then case-insensitive); prefix of id or name.
    /// At each step one match wins, several are ambiguous, none falls through to the next step.
    public static func resolve(_ target: String, among instances: [InstanceInformation]) -> TargetResolution {
        let t = target.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return .notFound }
        if let exact = instances.first(where: { $0.InstanceId == t }) { return .instance(exact) }
        let steps: [(InstanceInformation) -> Bool] = [
            { names($0).contains(t) },
            { names($0).contains { $0.caseInsensitiveCompare(t) == .orderedSame } },
            { i in i.InstanceId.hasPrefix(t) || names(i).contains { $0.lowercased().hasPrefix(t.lowercased()) } },
        ]
        for matches in steps {
            let found = instances.filter(matches)
            if found.count == 1 { return .instance(found[0]) }
            if found.count > 1 { return .ambiguous(found.sorted { $0.InstanceId < $1.InstanceId }) }
        }
        return .notFound
    }

    /// True for strings shaped like an EC2 (`i-…`) or managed-instance (`mi-…`) id, which can be passed
    /// to StartSession even when DescribeInstanceInformation did not list them.
    public static func looksLikeInstanceId(_ s: String) -> Bool {
        let parts = s.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, parts[0] == "i" || parts[0] == "mi", parts[1].count >= 8 else { return false }
        return parts[1].allSatisfy { $0.isHexDigit }
    }

    static func names(_ i: InstanceInformation) -> [String] {
        [i.Name, i.ComputerName].compactMap { $0 }.filter { !$0.isEmpty }
    }
}

/// "7 min ago", "12 s ago", "3 h ago", "2 d ago".
public enum RelativeTime {
    public static func ago(_ date: Date?, now: Date) -> String {
        guard let date else { return "never" }
        let s = max(0, Int(now.timeIntervalSince(date)))
        switch s {
        case ..<60: return "\(s) s ago"
        case ..<3600: return "\(s / 60) min ago"
        case ..<86_400: return "\(s / 3600) h ago"
        default: return "\(s / 86_400) d ago"
        }
    }
}
