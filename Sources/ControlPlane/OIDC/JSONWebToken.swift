import Foundation

/// A compact-serialised JWS (`header.payload.signature`), parsed but not verified. `OIDCTokenValidator` verifies it.
public struct JSONWebToken: Sendable, Equatable {
    /// The JOSE header (`alg`, `kid`, `typ`).
    public var header: [String: ClaimValue]
    /// The claim set (`iss`, `sub`, `aud`, `exp`, …).
    public var claims: [String: ClaimValue]
    /// `base64url(header) + "." + base64url(payload)`: the bytes the signature covers.
    public var signingInput: [UInt8]
    public var signature: [UInt8]

    /// Largest token accepted (AWS allows 20 000 characters for WebIdentityToken).
    public static let maxLength = 20_000

    public init(parsing compact: String) throws(OIDCValidationError) {
        guard compact.utf8.count <= Self.maxLength else {
            throw OIDCValidationError(.malformed, "the token is \(compact.utf8.count) bytes; at most \(Self.maxLength) are accepted")
        }
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw OIDCValidationError(.malformed, "the token is not a JWT: expected 3 dot-separated parts (header.payload.signature), found \(parts.count)")
        }
        guard let headerBytes = Base64URL.decode(parts[0]), let header = ClaimValue.object(from: Data(headerBytes)) else {
            throw OIDCValidationError(.malformed, "the token's header is not base64url-encoded JSON")
        }
        guard let payloadBytes = Base64URL.decode(parts[1]), let claims = ClaimValue.object(from: Data(payloadBytes)) else {
            throw OIDCValidationError(.malformed, "the token's payload is not base64url-encoded JSON")
        }
        guard let signature = Base64URL.decode(parts[2]), !signature.isEmpty else {
            throw OIDCValidationError(.malformed, "the token has no signature (unsigned tokens are never accepted)")
        }
        self.header = header
        self.claims = claims
        self.signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        self.signature = signature
    }

    public var algorithm: String? { header["alg"]?.stringValue }
    public var keyId: String? { header["kid"]?.stringValue }
    /// The issuer as the token claims it (not yet verified).
    public var issuer: String? { claims["iss"]?.stringValue }
    public var subject: String? { claims["sub"]?.stringValue }
    /// `aud` as a list (it may be a string or an array).
    public var audiences: [String] { claims["aud"]?.matchableStrings ?? [] }
}
