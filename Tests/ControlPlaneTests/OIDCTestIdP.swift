import Crypto
import Foundation
import _CryptoExtras

/// A local identity provider for tests: an RSA key (kid `rsa-1`, RS256) and a P-256 key (kid `ec-1`, ES256)
/// generated here, its JWKS, and ID tokens signed with either.
struct OIDCTestIdP: Sendable {
    /// RSA key generation takes a while in a debug build: one key for the whole test process.
    static let sharedRSA: _RSA.Signing.PrivateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    let issuer: String
    let rsa: _RSA.Signing.PrivateKey
    /// P256.Signing.PrivateKey is not Sendable; kept as its raw bytes.
    let ecRaw: Data

    init(issuer: String = "https://idp.test.example", rsa: _RSA.Signing.PrivateKey = OIDCTestIdP.sharedRSA) {
        self.issuer = issuer
        self.rsa = rsa
        ecRaw = P256.Signing.PrivateKey().rawRepresentation
    }

    var ec: P256.Signing.PrivateKey { try! P256.Signing.PrivateKey(rawRepresentation: ecRaw) }

    static func b64(_ d: some DataProtocol) -> String {
        Data(d).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The JWKS document with both public keys.
    func jwks(rsaKid: String = "rsa-1", ecKid: String = "ec-1") -> String {
        let p = try! rsa.publicKey.getKeyPrimitives()
        let xy = ec.publicKey.rawRepresentation
        return """
        {"keys":[{"kty":"RSA","kid":"\(rsaKid)","use":"sig","alg":"RS256","n":"\(Self.b64(p.modulus))","e":"\(Self.b64(p.publicExponent))"},
        {"kty":"EC","kid":"\(ecKid)","use":"sig","alg":"ES256","crv":"P-256","x":"\(Self.b64(xy.prefix(32)))","y":"\(Self.b64(xy.suffix(32)))"}]}
        """
    }

    /// A signed ID token. Standard claims default to a valid token for `audience` at `now`; `extra` adds or
    /// overrides claims (use NSNull() to drop one).
    func token(subject: String = "user-123", audience: Any = "gangway", now: Date, lifetime: TimeInterval = 600,
               alg: String = "RS256", kid: String? = nil, extra: [String: Any] = [:]) -> String {
        var claims: [String: Any] = ["iss": issuer, "sub": subject, "aud": audience,
                                     "iat": Int(now.timeIntervalSince1970), "exp": Int(now.timeIntervalSince1970 + lifetime)]
        for (k, v) in extra { if v is NSNull { claims[k] = nil } else { claims[k] = v } }
        var header: [String: Any] = ["alg": alg, "typ": "JWT"]
        header["kid"] = kid ?? (alg == "ES256" ? "ec-1" : "rsa-1")
        let h = Self.b64(try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let c = Self.b64(try! JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let input = Data("\(h).\(c)".utf8)
        let sig: Data
        switch alg {
        case "ES256": sig = try! ec.signature(for: input).rawRepresentation
        default: sig = try! rsa.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation
        }
        return "\(h).\(c).\(Self.b64(sig))"
    }
}
