/// A request attribute a condition can test. Key names are case-insensitive (as in IAM); tag names are not.
public enum ConditionKey: Sendable, Hashable, CustomStringConvertible {
    /// `aws:CurrentTime`: the request time (the server's injected clock).
    case currentTime
    /// `aws:SourceIp`: the caller's address.
    case sourceIP
    /// `aws:MultiFactorAuthPresent`: the caller's credentials came from an MFA-backed sign-in.
    case multiFactorAuthPresent
    /// `aws:username`: the calling user's name.
    case username
    /// `aws:PrincipalTag/<k>`: a tag on the calling user or role.
    case principalTag(String)
    /// `ssm:resourceTag/<k>`: a tag (agent label) on the target instance.
    case resourceTag(String)
    /// `gangway:cluster`: the target's EKS cluster (its `eks:cluster-name` label).
    case cluster
    /// `gangway:nodegroup`: the target's EKS node group (its `eks:nodegroup-name` label).
    case nodegroup
    /// `gangway:window`: the request time, for `gangway:TimeWindow`.
    case window

    public init?(name: String) {
        let lower = name.lowercased()
        switch lower {
        case "aws:currenttime": self = .currentTime
        case "aws:sourceip": self = .sourceIP
        case "aws:multifactorauthpresent": self = .multiFactorAuthPresent
        case "aws:username": self = .username
        case "gangway:cluster": self = .cluster
        case "gangway:nodegroup": self = .nodegroup
        case "gangway:window": self = .window
        default:
            if lower.hasPrefix("aws:principaltag/"), name.count > "aws:PrincipalTag/".count {
                self = .principalTag(String(name.dropFirst("aws:PrincipalTag/".count)))
            } else if lower.hasPrefix("ssm:resourcetag/"), name.count > "ssm:resourceTag/".count {
                self = .resourceTag(String(name.dropFirst("ssm:resourceTag/".count)))
            } else {
                return nil
            }
        }
    }

    public var description: String {
        switch self {
        case .currentTime: "aws:CurrentTime"
        case .sourceIP: "aws:SourceIp"
        case .multiFactorAuthPresent: "aws:MultiFactorAuthPresent"
        case .username: "aws:username"
        case .principalTag(let k): "aws:PrincipalTag/\(k)"
        case .resourceTag(let k): "ssm:resourceTag/\(k)"
        case .cluster: "gangway:cluster"
        case .nodegroup: "gangway:nodegroup"
        case .window: "gangway:window"
        }
    }

    public var valueType: ConditionValueType {
        switch self {
        case .currentTime: .date
        case .sourceIP: .ipAddress
        case .multiFactorAuthPresent: .bool
        case .username, .principalTag, .resourceTag, .cluster, .nodegroup: .string
        case .window: .timeWindow
        }
    }

    public static let knownNames = "aws:CurrentTime, aws:SourceIp, aws:MultiFactorAuthPresent, aws:username, "
        + "aws:PrincipalTag/<key>, ssm:resourceTag/<key>, gangway:cluster, gangway:nodegroup, gangway:window"

    /// The operator family to suggest when an operator and key do not fit together.
    var suggestedOperators: String {
        switch valueType {
        case .string: "StringEquals, StringLike, StringNotEquals or StringNotLike"
        case .date: "DateGreaterThan or DateLessThan"
        case .ipAddress: "IpAddress or NotIpAddress"
        case .bool: "Bool"
        case .timeWindow: "gangway:TimeWindow"
        }
    }
}
