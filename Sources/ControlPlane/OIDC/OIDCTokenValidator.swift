import Foundation

/// An ID token whose signature, issuer, audience and lifetime were checked.
public struct VerifiedIDToken: Sendable, Equatable {
    public var issuer: String
    public var subject: String
    /// The audience that matched one of the provider's accepted client ids.
    public var audience: String
    public var issuedAt: Date?
    public var expiresAt: Date
    public var keyId: String?
    /// Every claim, for role trust conditions (`groups`, `email`, …).
    public var claims: [String: ClaimValue]

    /// A human name for the subject when the IdP sends one (`preferred_username`, then `email`).
    public var userName: String? {
        claims["preferred_username"]?.stringValue ?? claims["email"]?.stringValue
    }
}

/// Validates OIDC ID tokens for one provider, with no I/O: the keys and the time are given.
///
/// ```swift
/// let v = OIDCTokenValidator(issuer: "https://idp.example", audiences: ["gangway"])
/// let id = try v.validate(try JSONWebToken(parsing: text), keys: jwks, now: clock.now())
/// ```
/// Checks, in order: algorithm (RS256/ES256 only), key by `kid`, signature, `iss`, `aud` (string or array),
/// `exp`, `nbf`, `iat` (each with `leeway`), `sub`.
public struct OIDCTokenValidator: Sendable {
    public var issuer: String
    public var audiences: Set<String>
    /// Clock difference tolerated between gangwayd and the IdP.
    public var leeway: TimeInterval

    public static let supportedAlgorithms: Set<String> = ["RS256", "ES256"]

    public init(issuer: String, audiences: Set<String>, leeway: TimeInterval = 60) {
        self.issuer = issuer
        self.audiences = audiences
        self.leeway = leeway
    }

    public func validate(_ token: JSONWebToken, keys: JSONWebKeySet, now: Date) throws(OIDCValidationError) -> VerifiedIDToken {
        guard let alg = token.algorithm else {
            throw OIDCValidationError(.malformed, "the token header has no alg")
        }
        guard Self.supportedAlgorithms.contains(alg) else {
            throw OIDCValidationError(.unsupportedAlgorithm, "token algorithm \(alg) is not accepted; the IdP must sign ID tokens with RS256 or ES256")
        }
        let key = try keys.key(kid: token.keyId, alg: alg)
        guard key.isValidSignature(token.signature, for: token.signingInput) else {
            throw OIDCValidationError(.badSignature, "signature does not verify with key \(key.keyId.map { "kid=\($0)" } ?? "(no kid)") (\(alg)); the token was altered or signed by another key")
        }
        guard let iss = token.issuer else { throw OIDCValidationError(.missingClaim, "the token has no iss claim") }
        guard iss == issuer else {
            throw OIDCValidationError(.wrongIssuer, "issuer \(iss) is not the configured issuer \(issuer)")
        }
        let offered = token.audiences
        guard !offered.isEmpty else { throw OIDCValidationError(.missingClaim, "the token has no aud claim") }
        guard let audience = offered.first(where: audiences.contains) else {
            throw OIDCValidationError(.wrongAudience, "audience \(offered.joined(separator: ", ")) not accepted for issuer \(issuer) (accepted: \(audiences.sorted().joined(separator: ", ")))")
        }
        guard let exp = token.claims["exp"]?.numberValue else {
            throw OIDCValidationError(.missingClaim, "the token has no numeric exp claim")
        }
        let expiresAt = Date(timeIntervalSince1970: exp)
        guard now.timeIntervalSince(expiresAt) < leeway else {
            throw OIDCValidationError(.expired, "token expired at \(Self.iso(expiresAt)) (now \(Self.iso(now))); get a new ID token from the IdP")
        }
        if let nbf = token.claims["nbf"]?.numberValue, Date(timeIntervalSince1970: nbf).timeIntervalSince(now) > leeway {
            throw OIDCValidationError(.notYetValid, "token not valid before \(Self.iso(Date(timeIntervalSince1970: nbf))) (now \(Self.iso(now))); check the clocks")
        }
        var issuedAt: Date?
        if let iat = token.claims["iat"]?.numberValue {
            let d = Date(timeIntervalSince1970: iat)
            guard d.timeIntervalSince(now) <= leeway else {
                throw OIDCValidationError(.notYetValid, "token issued in the future at \(Self.iso(d)) (now \(Self.iso(now))); check the clocks")
            }
            issuedAt = d
        }
        guard let sub = token.subject, !sub.isEmpty else {
            throw OIDCValidationError(.missingClaim, "the token has no sub claim")
        }
        return VerifiedIDToken(issuer: iss, subject: sub, audience: audience, issuedAt: issuedAt, expiresAt: expiresAt,
                               keyId: key.keyId, claims: token.claims)
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }
}
