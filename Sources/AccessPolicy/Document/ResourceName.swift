/// How a request's resource (an instance id, a session id or `*`) is matched against policy `Resource` patterns.
///
/// A pattern is `*`, an ARN (`arn:aws:ssm:*:*:managed-instance/mi-*`, `arn:aws:ec2:*:*:instance/i-*`,
/// `arn:aws:ssm:*:*:session/${aws:username}-*`) or a bare id pattern (`mi-0123…`, `i-*`, `alice-*`).
/// ARN patterns are compared with the resource's ARN in this server's partition, region and account; bare patterns with
/// the id. A request for `*` (list operations such as DescribeInstanceInformation) matches only the pattern `*`,
/// as in IAM for actions without resource-level permissions.
public struct ResourceName: Sendable, Equatable {
    public var id: String
    public var partition: String
    public var region: String
    public var account: String

    public init(_ id: String, partition: String = "aws", region: String = "us-east-1", account: String = "000000000000") {
        self.id = id
        self.partition = partition
        self.region = region
        self.account = account
    }

    /// `arn:aws:ssm:REGION:ACCOUNT:managed-instance/mi-…`, `arn:aws:ec2:…:instance/i-…`, or `…:session/ID`.
    public var arn: String? {
        if id == "*" { return nil }
        if id.hasPrefix("arn:") { return id }
        if Self.isInstanceId(id, prefix: "mi-") { return "arn:\(partition):ssm:\(region):\(account):managed-instance/\(id)" }
        if Self.isInstanceId(id, prefix: "i-") { return "arn:\(partition):ec2:\(region):\(account):instance/\(id)" }
        return "arn:\(partition):ssm:\(region):\(account):session/\(id)"
    }

    /// Whether the resource matches one (already variable-expanded) pattern.
    public func matches(_ pattern: String) -> Bool {
        if id == "*" { return !pattern.isEmpty && pattern.allSatisfy { $0 == "*" } }
        if pattern.hasPrefix("arn:") {
            guard let arn else { return false }
            return Wildcard.matches(pattern, arn)
        }
        return Wildcard.matches(pattern, id)
    }

    static func isInstanceId(_ s: String, prefix: String) -> Bool {
        s.hasPrefix(prefix) && s.count > prefix.count && s.dropFirst(prefix.count).allSatisfy(\.isHexDigit)
    }

    /// The owner encoded in a session id (`alice-0123456789abcdef0` → `alice`), or nil if it is not a session id.
    public static func sessionOwner(of sessionId: String) -> String? {
        guard let dash = sessionId.lastIndex(of: "-") else { return nil }
        let suffix = sessionId[sessionId.index(after: dash)...]
        guard dash != sessionId.startIndex, suffix.count >= 8, suffix.allSatisfy(\.isHexDigit) else { return nil }
        return String(sessionId[..<dash])
    }

    /// A validation message for a malformed pattern, or nil when it is acceptable.
    static func problem(with pattern: String) -> String? {
        if pattern.isEmpty { return "a Resource cannot be empty; use \"*\" for every resource" }
        if pattern.hasPrefix("arn:") {
            let parts = pattern.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            if parts.count < 6 || parts[5].isEmpty {
                return "\"\(pattern)\" is not an ARN: write arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. arn:aws:ssm:*:*:managed-instance/mi-*"
            }
            return nil
        }
        if pattern.contains(":") {
            return "\"\(pattern)\" is neither an ARN (arn:…) nor a bare id (mi-…, i-…, a session id) nor \"*\""
        }
        return nil
    }
}
