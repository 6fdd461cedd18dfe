@testable import ControlPlane
import Foundation
import GangwayTesting
import Testing

/// ID-token validation with keys generated here: signatures (RS256, ES256), kid selection, issuer, audience and
/// lifetime, each refusal naming what failed.
struct OIDCTokenValidatorTests {
    static let idp = OIDCTestIdP()
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let validator = OIDCTokenValidator(issuer: "https://idp.test.example", audiences: ["gangway", "gangway-cli"])

    func keys() throws -> JSONWebKeySet { try JSONWebKeySet(json: Data(Self.idp.jwks().utf8), source: "test") }

    func check(_ token: String, at time: Date? = nil) throws -> VerifiedIDToken {
        try validator.validate(try JSONWebToken(parsing: token), keys: try keys(), now: time ?? now)
    }

    func refusal(_ token: String, at time: Date? = nil) -> OIDCValidationError? {
        do { _ = try check(token, at: time); return nil } catch let e as OIDCValidationError { return e } catch { return nil }
    }

    @Test func acceptsRS256AndES256TokensAndReturnsTheirClaims() throws {
        let rs = try check(Self.idp.token(now: now, extra: ["groups": ["sre", "dev"], "email": "ann@example.com"]))
        #expect(rs.subject == "user-123")
        #expect(rs.audience == "gangway")
        #expect(rs.keyId == "rsa-1")
        #expect(rs.userName == "ann@example.com")
        #expect(rs.claims["groups"]?.matchableStrings == ["sre", "dev"])
        let es = try check(Self.idp.token(audience: ["other", "gangway-cli"], now: now, alg: "ES256"))
        #expect(es.keyId == "ec-1")
        #expect(es.audience == "gangway-cli")
    }

    @Test func refusesAWrongAudienceNamingIt() {
        let e = refusal(Self.idp.token(audience: "someone-else", now: now))
        #expect(e?.kind == .wrongAudience)
        #expect(e?.message.contains("audience someone-else not accepted") == true)
    }

    @Test func refusesExpiredTokensBeyondTheLeewayOnly() throws {
        let token = Self.idp.token(now: now, lifetime: 300)
        _ = try check(token, at: now.addingTimeInterval(330))   // 30 s past exp: within the 60 s leeway
        let e = refusal(token, at: now.addingTimeInterval(400))
        #expect(e?.kind == .expired)
        #expect(e?.message.contains("token expired at 2027-01-15T08:05:00Z") == true)
    }

    @Test func refusesTokensNotYetValid() {
        #expect(refusal(Self.idp.token(now: now, extra: ["nbf": Int(now.timeIntervalSince1970) + 600]))?.kind == .notYetValid)
        #expect(refusal(Self.idp.token(now: now.addingTimeInterval(900)))?.kind == .notYetValid)   // iat in the future
    }

    @Test func refusesATamperedPayloadAndAnotherKeysSignature() throws {
        let token = Self.idp.token(now: now)
        let parts = token.split(separator: ".")
        let forged = OIDCTestIdP.b64(Data(#"{"iss":"https://idp.test.example","sub":"admin","aud":"gangway","exp":1900000000}"#.utf8))
        let e = refusal("\(parts[0]).\(forged).\(parts[2])")
        #expect(e?.kind == .badSignature)
        #expect(e?.message.contains("signature does not verify with key kid=rsa-1") == true)
        // Same kid, another P-256 key: the JWKS key does not verify it.
        let other = OIDCTestIdP()
        #expect(refusal(other.token(now: now, alg: "ES256"))?.kind == .badSignature)
    }

    @Test func refusesUnknownKidsWrongIssuersAndUnsafeAlgorithms() {
        let unknown = refusal(Self.idp.token(now: now, kid: "rotated-away"))
        #expect(unknown?.kind == .unknownKey)
        #expect(unknown?.message.contains("kid=rotated-away") == true)
        let iss = refusal(OIDCTestIdP(issuer: "https://evil.example").token(now: now))
        #expect(iss?.kind == .wrongIssuer)
        #expect(iss?.message.contains("issuer https://evil.example") == true)
        // A key of the wrong type for the header's alg, and algorithms never accepted.
        #expect(refusal(Self.idp.token(now: now, alg: "RS256", kid: "ec-1"))?.kind == .unsupportedAlgorithm)
        let h = OIDCTestIdP.b64(Data(#"{"alg":"none"}"#.utf8))
        let c = OIDCTestIdP.b64(Data(#"{"iss":"https://idp.test.example","sub":"x","aud":"gangway","exp":1900000000}"#.utf8))
        #expect(refusal("\(h).\(c).AAAA")?.kind == .unsupportedAlgorithm)
        #expect(refusal("\(h).\(c).")?.kind == .malformed)
        #expect(refusal("not-a-jwt")?.kind == .malformed)
    }

    @Test func refusesTokensWithoutSubjectOrExpiry() {
        #expect(refusal(Self.idp.token(now: now, extra: ["sub": NSNull()]))?.kind == .missingClaim)
        #expect(refusal(Self.idp.token(now: now, extra: ["exp": NSNull()]))?.kind == .missingClaim)
    }

    @Test func jwksSkipsKeysItCannotUseAndSaysWhy() throws {
        let set = try JSONWebKeySet(json: Data(#"{"keys":[{"kty":"oct","kid":"h","k":"AAAA"},{"kty":"EC","crv":"P-384","kid":"p384","x":"AA","y":"AA"}]}"#.utf8), source: "t")
        #expect(set.keys.isEmpty)
        #expect(set.skipped.count == 2)
        #expect(set.skipped[0].contains("kid=h"))
    }

    @Test func httpJWKSIsCachedAndRefetchedForAnUnknownKid() async throws {
        let jwks = Self.idp.jwks()
        let server = try LoopbackHTTPServer { _ in .json(jwks) }
        let clock = ManualClock(start: now)
        let verifier = OIDCIdentityVerifier(
            providers: [OIDCProviderConfig(name: "t", issuer: Self.idp.issuer, audiences: ["gangway"], jwksURL: server.url + "/jwks")],
            now: { clock.now() })
        _ = try await verifier.verify(Self.idp.token(now: now), now: now)
        _ = try await verifier.verify(Self.idp.token(now: now, alg: "ES256"), now: now)
        #expect(server.requests.count == 1)
        // An unknown kid asks for a fresh copy, but at most once per 30 s.
        clock.advance(31)
        await #expect(throws: OIDCValidationError.self) { try await verifier.verify(Self.idp.token(now: now, kid: "new"), now: now) }
        #expect(server.requests.count == 2)
        await #expect(throws: OIDCValidationError.self) { try await verifier.verify(Self.idp.token(now: now, kid: "new"), now: now) }
        #expect(server.requests.count == 2)
        #expect(server.requests.first?.path == "/jwks")
    }
}
