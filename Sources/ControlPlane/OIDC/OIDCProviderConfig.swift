import Foundation

/// One trusted OpenID Connect identity provider: tokens whose `iss` is `issuer` and whose `aud` is one of
/// `audiences`, signed by a key from `jwksFile` or `jwksURL`.
///
/// Stored in gangwayd's database (`oidc_providers`), managed with
/// `gangwayd admin oidc add corp --issuer https://idp.example.com --audience gangway --jwks-url https://idp.example.com/jwks.json`
/// (or `--jwks-file PATH`); a running gangwayd uses it from the next call on.
public struct OIDCProviderConfig: Sendable, Equatable {
    public var name: String
    public var issuer: String
    public var audiences: [String]
    public var jwksFile: String?
    public var jwksURL: String?
    /// Clock skew tolerated on exp/nbf/iat.
    public var leeway: TimeInterval

    public init(name: String, issuer: String, audiences: [String], jwksFile: String? = nil, jwksURL: String? = nil,
                leeway: TimeInterval = 60) {
        self.name = name
        self.issuer = issuer
        self.audiences = audiences
        self.jwksFile = jwksFile
        self.jwksURL = jwksURL
        self.leeway = leeway
    }

    /// Checks the provider is complete; the message names the section and the key to set.
    public func validate() throws {
        guard PrincipalNameCheck.isValid(name) else {
            throw ControlPlaneConfigError("OIDC provider name `\(name)` is invalid: use 1–64 letters, digits or _ + = , . @ -")
        }
        let where_ = "OIDC provider \(name):"
        guard !issuer.isEmpty else { throw ControlPlaneConfigError("\(where_) needs --issuer https://…") }
        guard !audiences.isEmpty else {
            throw ControlPlaneConfigError("\(where_) needs at least one --audience CLIENT_ID (the client ids whose tokens are accepted)")
        }
        guard (jwksFile == nil) != (jwksURL == nil) else {
            throw ControlPlaneConfigError("\(where_) needs exactly one of --jwks-file PATH or --jwks-url URL")
        }
        if let u = jwksURL, !(u.hasPrefix("https://") || u.hasPrefix("http://")) {
            throw ControlPlaneConfigError("\(where_) --jwks-url must be an http(s) URL, got \(u)")
        }
        guard leeway >= 0 && leeway <= 600 else { throw ControlPlaneConfigError("\(where_) --leeway must be 0–600 seconds") }
    }
}
