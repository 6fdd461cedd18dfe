/// A user, group or role, written `alice` (a user), `user/alice`, `group/ops`, `role/oncall`, or as an IAM-style ARN
/// `arn:aws:iam::000000000000:user/alice`.
public struct PrincipalID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case user, group, role
    }

    public var kind: Kind
    public var name: String

    public init(_ kind: Kind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public static func user(_ name: String) -> PrincipalID { PrincipalID(.user, name) }
    public static func group(_ name: String) -> PrincipalID { PrincipalID(.group, name) }
    public static func role(_ name: String) -> PrincipalID { PrincipalID(.role, name) }

    public init?(parsing text: String) {
        var s = Substring(text)
        if s.hasPrefix("arn:") {
            let parts = s.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == 6, parts[2] == "iam" else { return nil }
            s = parts[5]
        }
        if let slash = s.firstIndex(of: "/") {
            guard let kind = Kind(rawValue: s[..<slash].lowercased()) else { return nil }
            let name = s[s.index(after: slash)...]
            guard Self.isValidName(name) else { return nil }
            self.init(kind, String(name))
        } else {
            guard Self.isValidName(s) else { return nil }
            self.init(.user, String(s))
        }
    }

    /// Names: 1–64 characters of letters, digits and `_+=,.@-` (the IAM user-name alphabet).
    public static func isValidName(_ name: Substring) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_+=,.@-".contains($0)) }
    }

    /// `user/alice`, `group/ops`, `role/oncall`.
    public var description: String { "\(kind.rawValue)/\(name)" }

    public static func < (a: PrincipalID, b: PrincipalID) -> Bool {
        (a.kind.rawValue, a.name) < (b.kind.rawValue, b.name)
    }
}
