import Crypto
import _CryptoExtras
import Foundation

/// One public key from a JWKS (RFC 7517): RSA (`kty` RSA, `n`, `e`) for RS256 or P-256 (`kty` EC, `crv` P-256,
/// `x`, `y`) for ES256.
public struct JSONWebKey: Sendable {
    public enum Material: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        /// x || y (64 bytes); `P256.Signing.PublicKey` is not Sendable, so the key is rebuilt per verification.
        case p256([UInt8])
    }

    public var keyId: String?
    /// The JWK's `alg`, when it pins one.
    public var algorithm: String?
    public var use: String?
    public var material: Material

    /// The JWS algorithm this key verifies.
    public var jwsAlgorithm: String {
        switch material {
        case .rsa: return "RS256"
        case .p256: return "ES256"
        }
    }

    /// Whether this key can check a token signed with `alg` (its type fits, and its own `alg`/`use` allow it).
    public func fits(_ alg: String) -> Bool {
        alg == jwsAlgorithm && (algorithm == nil || algorithm == alg) && (use == nil || use == "sig")
    }

    /// Verifies a JWS signature over `signingInput` (SHA-256 in both algorithms).
    public func isValidSignature(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
        let digest = SHA256.hash(data: signingInput)
        switch material {
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest,
                                        padding: .insecurePKCS1v1_5)
        case .p256(let raw):
            guard let key = try? P256.Signing.PublicKey(rawRepresentation: raw) else { return false }
            // JWS ES256 signatures are r || s, 32 bytes each (RFC 7518 §3.4), not DER.
            guard signature.count == 64, let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else {
                return false
            }
            return key.isValidSignature(sig, for: digest)
        }
    }

    /// Parses one JWK object. Returns nil with a reason for keys that are not RSA or P-256 public keys.
    static func parse(_ o: [String: ClaimValue]) -> Result<JSONWebKey, Skipped> {
        let kid = o["kid"]?.stringValue
        let label = kid.map { "kid=\($0)" } ?? "key without kid"
        func bytes(_ name: String) -> [UInt8]? { o[name]?.stringValue.flatMap { Base64URL.decode($0) } }
        let material: Material
        switch o["kty"]?.stringValue {
        case "RSA":
            guard let n = bytes("n"), let e = bytes("e") else { return .failure(Skipped("\(label): RSA key needs n and e")) }
            guard let key = try? _RSA.Signing.PublicKey(n: n, e: e), key.keySizeInBits >= 2048 else {
                return .failure(Skipped("\(label): not a usable RSA public key (2048 bits or more)"))
            }
            material = .rsa(key)
        case "EC":
            guard o["crv"]?.stringValue == "P-256" else {
                return .failure(Skipped("\(label): curve \(o["crv"]?.description ?? "(none)") is not supported; use P-256 (ES256)"))
            }
            guard let x = bytes("x"), let y = bytes("y"), x.count == 32, y.count == 32,
                  (try? P256.Signing.PublicKey(rawRepresentation: x + y)) != nil else {
                return .failure(Skipped("\(label): x and y are not a P-256 point"))
            }
            material = .p256(x + y)
        case let other:
            return .failure(Skipped("\(label): key type \(other ?? "(none)") is not supported; use RSA (RS256) or EC P-256 (ES256)"))
        }
        return .success(JSONWebKey(keyId: kid, algorithm: o["alg"]?.stringValue, use: o["use"]?.stringValue,
                                   material: material))
    }
}

/// Why a JWK was not loaded.
struct Skipped: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A JSON Web Key Set: `{"keys": [...]}`. Keys gangwayd cannot use are skipped (and listed in `skipped`).
public struct JSONWebKeySet: Sendable {
    public var keys: [JSONWebKey]
    /// Why some keys were not loaded (for error messages).
    public var skipped: [String]

    public init(keys: [JSONWebKey], skipped: [String] = []) {
        self.keys = keys
        self.skipped = skipped
    }

    /// Parses a JWKS document; `source` names the file or URL in errors.
    public init(json: Data, source: String) throws(OIDCValidationError) {
        guard let root = ClaimValue.object(from: json), case .array(let items)? = root["keys"] else {
            throw OIDCValidationError(.keysUnavailable, "JWKS \(source) is not a JSON object with a \"keys\" array")
        }
        var keys: [JSONWebKey] = []
        var skipped: [String] = []
        for item in items {
            guard case .object(let o) = item else { skipped.append("a key that is not a JSON object"); continue }
            switch JSONWebKey.parse(o) {
            case .success(let k): keys.append(k)
            case .failure(let why): skipped.append(why.reason)
            }
        }
        self.init(keys: keys, skipped: skipped)
    }

    /// The key that verifies a token with header `kid`/`alg`: the one with that kid; without a kid, the only key
    /// that fits the algorithm.
    public func key(kid: String?, alg: String) throws(OIDCValidationError) -> JSONWebKey {
        if let kid {
            guard let k = keys.first(where: { $0.keyId == kid }) else {
                let known = keys.compactMap(\.keyId)
                throw OIDCValidationError(.unknownKey, "no key with kid=\(kid) in the provider's JWKS (it has \(known.isEmpty ? "no usable keys" : "kid=" + known.joined(separator: ", kid=")))")
            }
            guard k.fits(alg) else {
                throw OIDCValidationError(.unsupportedAlgorithm, "key kid=\(kid) is \(k.jwsAlgorithm)\(k.algorithm.map { " (alg \($0))" } ?? "") but the token is signed with \(alg)")
            }
            return k
        }
        let fitting = keys.filter { $0.fits(alg) }
        guard fitting.count == 1, let k = fitting.first else {
            throw OIDCValidationError(.unknownKey, fitting.isEmpty
                ? "the token has no kid and the JWKS has no \(alg) key"
                : "the token has no kid and the JWKS has \(fitting.count) \(alg) keys; the IdP must set kid")
        }
        return k
    }
}
