import Foundation

/// A role's trust document for web identities: which ID tokens may assume it.
///
/// ```json
/// {"Issuer": "https://idp.example.com", "Audience": "gangway", "Claims": {"groups": "sre", "email_verified": "true"}}
/// ```
/// - `Issuer` (required): the token's `iss`, a string or a list (any of).
/// - `Audience` (optional): the audience the token was accepted for, a string or a list (any of).
/// - `Claims` (optional): each claim must equal the value, or — for array claims such as `groups` — contain it; a list
///   of values means any of them. Numbers and booleans compare as text (`true`, `42`).
/// A role whose trust has no `Issuer` (the default `{}`) cannot be assumed with a web identity.
public struct RoleTrust: Sendable, Equatable {
    public var issuers: [String]
    public var audiences: [String]
    public var claims: [(name: String, anyOf: [String])]

    public static func == (a: RoleTrust, b: RoleTrust) -> Bool {
        a.issuers == b.issuers && a.audiences == b.audiences
            && a.claims.map(\.name) == b.claims.map(\.name) && a.claims.map(\.anyOf) == b.claims.map(\.anyOf)
    }

    /// Parses a trust document; errors say which member is wrong and what it should be.
    public init(parsing text: String) throws {
        guard let object = ClaimValue.object(from: Data(text.utf8)) else {
            throw RoleTrustError("the trust document is not a JSON object; write e.g. {\"Issuer\":\"https://idp.example\",\"Audience\":\"gangway\",\"Claims\":{\"groups\":\"sre\"}}")
        }
        let known: Set<String> = ["Issuer", "Audience", "Claims"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw RoleTrustError("unknown trust member \(unknown); known: Issuer, Audience, Claims")
        }
        func strings(_ name: String, _ v: ClaimValue?) throws -> [String] {
            switch v {
            case nil: return []
            case .string(let s)?: return [s]
            case .bool?, .number?: return v!.matchableStrings
            case .array(let a)? where a.allSatisfy({ $0.stringValue != nil || $0.numberValue != nil || $0 == .bool(true) || $0 == .bool(false) }):
                return a.flatMap(\.matchableStrings)
            default: throw RoleTrustError("trust member \(name) must be a string or a list of strings")
            }
        }
        issuers = try strings("Issuer", object["Issuer"])
        audiences = try strings("Audience", object["Audience"])
        var claims: [(String, [String])] = []
        switch object["Claims"] {
        case nil: break
        case .object(let o)?:
            for name in o.keys.sorted() {
                let values = try strings("Claims.\(name)", o[name])
                guard !values.isEmpty else { throw RoleTrustError("trust member Claims.\(name) has no value") }
                claims.append((name, values))
            }
        default: throw RoleTrustError("trust member Claims must be an object of claim name to value(s)")
        }
        self.claims = claims
    }

    /// Whether the document would let anyone in: it needs at least an Issuer.
    public var isAssumableByWebIdentity: Bool { !issuers.isEmpty }

    /// Nil when the token satisfies the trust; otherwise why not (for the audit log and the AccessDenied message).
    public func refusal(for token: VerifiedIDToken) -> String? {
        guard isAssumableByWebIdentity else {
            return "the role's trust names no Issuer, so no web identity may assume it"
        }
        guard issuers.contains(token.issuer) else {
            return "the role trusts issuer \(issuers.joined(separator: " or ")), not \(token.issuer)"
        }
        if !audiences.isEmpty && !audiences.contains(token.audience) {
            return "the role trusts audience \(audiences.joined(separator: " or ")), not \(token.audience)"
        }
        for (name, wanted) in claims {
            guard let value = token.claims[name] else { return "the token has no \(name) claim (the role requires \(name) = \(wanted.joined(separator: " or ")))" }
            let have = value.matchableStrings
            guard have.contains(where: wanted.contains) else {
                return "claim \(name) is \(value) but the role requires \(name) = \(wanted.joined(separator: " or "))"
            }
        }
        return nil
    }
}

public struct RoleTrustError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
