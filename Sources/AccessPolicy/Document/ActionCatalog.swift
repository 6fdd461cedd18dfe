/// The actions Gangway authorizes. Action names are matched case-insensitively (as IAM does).
public enum ActionCatalog {
    public static let startSession = "ssm:StartSession"
    public static let resumeSession = "ssm:ResumeSession"
    public static let terminateSession = "ssm:TerminateSession"
    public static let describeSessions = "ssm:DescribeSessions"
    public static let describeInstanceInformation = "ssm:DescribeInstanceInformation"
    public static let getConnectionStatus = "ssm:GetConnectionStatus"
    public static let lookupEvents = "cloudtrail:LookupEvents"
    public static let getSessionRecording = "gangway:GetSessionRecording"
    public static let deregisterManagedInstance = "ssm:DeregisterManagedInstance"

    public static let all: [String] = [
        startSession, resumeSession, terminateSession, describeSessions, describeInstanceInformation,
        getConnectionStatus, lookupEvents, getSessionRecording, deregisterManagedInstance,
    ]

    /// Actions that only read (what `ReadOnlyAccess` grants).
    public static let readOnly: [String] = [describeSessions, describeInstanceInformation, getConnectionStatus, lookupEvents]

    /// Actions a user may always perform on their own session (see `PolicyEvaluator`).
    public static let ownSessionActions: [String] = [terminateSession, resumeSession]

    /// Whether `pattern` (with `*`/`?`) matches `action`, ignoring case.
    public static func pattern(_ pattern: String, matches action: String) -> Bool {
        Wildcard.matches(pattern, action, caseInsensitive: true)
    }

    /// The known action closest to `text` (for "did you mean …?").
    static func suggestion(for text: String) -> String? {
        let lower = text.lowercased()
        let scored = all.map { ($0, editDistance(Array($0.lowercased()), Array(lower))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(3, lower.count / 4) else { return nil }
        return best.0
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
