import AWSCore
@testable import ControlPlane
import Foundation
import Testing

/// `AssumeRoleWithWebIdentity` on a real gangwayd: ID tokens from a local IdP (keys generated here, JWKS over HTTP and
/// in a file), temporary credentials used with SigV4 + session token under the role's policies, every STS call in
/// the audit log with its outcome.
@Suite(.serialized)
struct STSWebIdentityTests {
    @Test func aGoodTokenGivesCredentialsThatWorkUnderTheRolesPolicy() async throws {
        try await STSFixture.with { f in
            let answer = try await f.assume(token: f.token(), duration: 900)
            #expect(answer.status == 200, "\(answer.xml)")
            let creds = try #require(answer.credentials)
            #expect(creds.accessKeyId.hasPrefix("ASIA"))
            #expect(answer.value("Expiration") == "2027-01-15T08:15:00Z")   // now + 900 s
            #expect(answer.value("SubjectFromWebIdentityToken") == "ann-0001")
            #expect(answer.value("Arn") == "arn:aws:sts::123456789012:assumed-role/oncall/ann")
            #expect(answer.value("Provider") == STSFixture.issuer)
            #expect(answer.value("Audience") == "gangway")
            #expect(answer.xml.contains("<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"))

            // ReadOnlyAccess is attached to the role: describe works, a shell does not.
            let describe = try await f.ssm("DescribeInstanceInformation", credentials: creds)
            #expect(describe.status == 200, "\(describe.code ?? "") \(describe.message ?? "")")
            let start = try await f.ssm("StartSession", #"{"Target":"mi-0000000000000000a"}"#, credentials: creds)
            #expect(start.code == "AccessDeniedException")

            // The key without its session token, or with another one, is refused.
            var noToken = creds
            noToken.sessionToken = nil
            #expect(try await f.ssm("DescribeInstanceInformation", credentials: noToken).code == "UnrecognizedClientException")
            var otherToken = creds
            otherToken.sessionToken = "gwsts-not-the-right-one"
            #expect(try await f.ssm("DescribeInstanceInformation", credentials: otherToken).code == "UnrecognizedClientException")

            let events = await f.stsEvents()
            #expect(events.count == 1)
            #expect(events.first?.principal == "role/oncall/ann")
            #expect(events.first?.errorCode == nil)
            #expect(events.first?.accessKeyId == creds.accessKeyId)
            let params = String(decoding: events.first?.requestParameters ?? Data(), as: UTF8.self)
            #expect(params.contains("ann-0001") && !params.contains(f.token().prefix(20)))
            let response = String(decoding: events.first?.responseElements ?? Data(), as: UTF8.self)
            #expect(response.contains(creds.accessKeyId) && !response.contains(creds.secretAccessKey))
            // The describe call was made, and audited, as the role session.
            #expect(await f.audit.events.contains { $0.eventName == "DescribeInstanceInformation" && $0.principal == "role/oncall/ann" })
        }
    }

    @Test func anES256TokenVerifiedWithAJWKSFileWorksToo() async throws {
        try await STSFixture.with { f in
            let token = f.fileIdp.token(subject: "bob-7", audience: "gangway-cli", now: f.clock.now(), alg: "ES256",
                                        extra: ["groups": "sre"])
            let answer = try await f.assume(token: token, session: "bob")
            #expect(answer.status == 200, "\(answer.xml)")
            #expect(answer.value("Expiration") == "2027-01-15T09:00:00Z")   // default: an hour
            let creds = try #require(answer.credentials)
            #expect(try await f.ssm("DescribeInstanceInformation", credentials: creds).status == 200)
        }
    }

    @Test func refusedTokensGetTheAWSCodeAndAreAudited() async throws {
        try await STSFixture.with { f in
            let now = f.clock.now()
            let tampered: String = {
                let parts = f.token().split(separator: ".")
                let forged = OIDCTestIdP.b64(Data(#"{"iss":"https://idp.test.example","sub":"root","aud":"gangway","groups":["sre"],"exp":1900000000}"#.utf8))
                return "\(parts[0]).\(forged).\(parts[2])"
            }()
            let cases: [(String, String, Int, String, String)] = [
                ("wrong audience", f.token(audience: "another-app"), 400, "InvalidIdentityToken", "audience another-app not accepted"),
                ("expired", f.idp.token(now: now.addingTimeInterval(-4000), lifetime: 600, extra: ["groups": ["sre"]]),
                 400, "ExpiredTokenException", "token expired at"),
                ("bad signature", tampered, 400, "InvalidIdentityToken", "signature does not verify with key kid=rsa-1"),
                ("unknown kid", f.token(kid: "gone"), 400, "InvalidIdentityToken", "kid=gone"),
                ("wrong issuer", OIDCTestIdP(issuer: "https://evil.example").token(now: now), 400, "InvalidIdentityToken",
                 "issuer https://evil.example is not a configured OIDC provider"),
                ("trust claim mismatch", f.token(extra: ["groups": ["dev"]]), 403, "AccessDenied",
                 "claim groups is [dev] but the role requires groups = sre"),
            ]
            for (name, token, status, code, text) in cases {
                let answer = try await f.assume(token: token)
                #expect(answer.status == status, "\(name): \(answer.xml)")
                #expect(answer.code == code, "\(name): \(answer.xml)")
                #expect(answer.value("Type") == "Sender", "\(name)")
                #expect(answer.value("Message")?.contains(text) == true, "\(name): \(answer.value("Message") ?? answer.xml)")
                #expect(answer.credentials == nil, "\(name)")
            }
            let events = await f.stsEvents()
            #expect(events.map(\.errorCode) == cases.map { $0.3 })
            for (event, c) in zip(events, cases) {
                #expect(event.errorMessage?.contains(c.4) == true, "\(c.0): \(event.errorMessage ?? "")")
            }
            // A refused token's claimed subject is kept (marked unverified); a verified one's is not marked.
            #expect(String(decoding: events[2].requestParameters ?? Data(), as: UTF8.self).contains("\"unverifiedSubject\":\"root\""))
            #expect(events[5].principal == "role/oncall/ann")
        }
    }

    @Test func requestsOutsideTheRoleLimitsAreValidationErrors() async throws {
        try await STSFixture.with { f in
            let long = try await f.assume(token: f.token(), duration: 7200)
            #expect(long.status == 400)
            #expect(long.code == "ValidationError")
            #expect(long.value("Message")?.contains("exceeds the MaxSessionDuration (3600)") == true)
            #expect(try await f.assume(token: f.token(), session: "a b").code == "ValidationError")
            #expect(try await f.assume(token: f.token(), role: "arn:aws:iam::1:user/x").code == "ValidationError")
            let unknown = try await f.assume(token: f.token(), role: "arn:aws:iam::1:role/nobody")
            #expect(unknown.status == 403)
            #expect(unknown.code == "AccessDenied")
            #expect(await f.stsEvents().count == 4)
        }
    }

    @Test func temporaryCredentialsStopAtTheirExpiry() async throws {
        try await STSFixture.with { f in
            let creds = try #require(try await f.assume(token: f.token(), duration: 900).credentials)
            f.clock.advance(899)
            #expect(try await f.ssm("DescribeInstanceInformation", credentials: creds).status == 200)
            f.clock.advance(2)
            let late = try await f.ssm("DescribeInstanceInformation", credentials: creds)
            #expect(late.status == 400)
            #expect(late.code == "ExpiredTokenException")
            #expect(late.message?.contains("expired") == true)
        }
    }

    @Test func revokingTheSessionOrTheIdPSubjectKillsTemporaryCredentials() async throws {
        try await STSFixture.with { f in
            let ann = try #require(try await f.assume(token: f.token(), session: "ann").credentials)
            let bob = try #require(try await f.assume(token: f.token(subject: "bob-0002", extra: ["preferred_username": "bob"]),
                                                      session: "bob").credentials)
            #expect(try await f.policies.revoke(principal: "role/oncall/ann", reason: "laptop stolen", now: f.clock.now()) == 1)
            let refused = try await f.ssm("DescribeInstanceInformation", credentials: ann)
            #expect(refused.code == "UnrecognizedClientException")
            #expect(refused.message?.contains("revoked") == true)
            #expect(try await f.ssm("DescribeInstanceInformation", credentials: bob).status == 200)

            // Revoking the IdP user by name disables bob's session and refuses his still-valid token.
            #expect(try await f.policies.revoke(principal: "bob", reason: "left the company", now: f.clock.now()) == 1)
            #expect(try await f.ssm("DescribeInstanceInformation", credentials: bob).code == "UnrecognizedClientException")
            let again = try await f.assume(token: f.token(subject: "bob-0002", extra: ["preferred_username": "bob"]), session: "bob2")
            #expect(again.status == 403)
            #expect(again.code == "AccessDenied")
            #expect(again.value("Message")?.contains("left the company") == true)
            #expect(await f.stsEvents().last?.errorCode == "AccessDenied")
        }
    }

    @Test func getCallerIdentitySaysWhoSignedTheRequest() async throws {
        try await STSFixture.with { f in
            let creds = try #require(try await f.assume(token: f.token()).credentials)
            let me = try await f.signedSTS("GetCallerIdentity", credentials: creds)
            #expect(me.status == 200, "\(me.xml)")
            #expect(me.value("Arn") == "arn:aws:sts::000000000000:assumed-role/oncall/ann")
            #expect(me.value("UserId")?.hasSuffix(":ann") == true)
            try await f.store.createUser("alice")
            let key = try await f.store.createAccessKey(user: "alice")
            let alice = try await f.signedSTS("GetCallerIdentity", credentials: AWSCredentials(accessKeyId: key.accessKeyId,
                                                                                              secretAccessKey: key.secretAccessKey))
            #expect(alice.value("Arn") == "arn:aws:iam::000000000000:user/alice")
            let anonymous = try await f.signedSTS("GetCallerIdentity", credentials: nil)
            #expect(anonymous.status == 403)
            #expect(anonymous.code == "MissingAuthenticationTokenException")
            f.clock.advance(3601)
            #expect(try await f.signedSTS("GetCallerIdentity", credentials: creds).code == "ExpiredTokenException")
            #expect(await f.stsEvents().map(\.eventName).filter { $0 == "GetCallerIdentity" }.count == 4)
        }
    }

    @Test func roleSessionIdsStayOnePathSegment() {
        let id = Identifiers.sessionId(owner: "role/oncall/ann")
        #expect(id.hasPrefix("ann-") && !id.contains("/"))
        #expect(Identifiers.sessionId(owner: "alice").hasPrefix("alice-"))
    }

    @Test func roleTrustDocumentsParseAndSayWhatIsWrong() throws {
        let t = try RoleTrust(parsing: #"{"Issuer":"https://i","Audience":["a","b"],"Claims":{"groups":["sre","ops"],"email_verified":true}}"#)
        #expect(t.issuers == ["https://i"])
        #expect(t.audiences == ["a", "b"])
        #expect(t.claims.map(\.name) == ["email_verified", "groups"])
        #expect(throws: RoleTrustError.self) { try RoleTrust(parsing: #"{"Issuer":"x","Condition":{}}"#) }
        #expect(throws: RoleTrustError.self) { try RoleTrust(parsing: #"{"Issuer":"x","Claims":{"groups":{"a":1}}}"#) }
        #expect(try !RoleTrust(parsing: "{}").isAssumableByWebIdentity)
        let token = VerifiedIDToken(issuer: "https://i", subject: "s", audience: "b", issuedAt: nil, expiresAt: Date(),
                                    keyId: nil, claims: ["groups": .array([.string("ops")]), "email_verified": .bool(true)])
        #expect(t.refusal(for: token) == nil)
        var other = token
        other.audience = "c"
        #expect(t.refusal(for: other)?.contains("audience") == true)
        other = token
        other.claims["email_verified"] = .bool(false)
        #expect(t.refusal(for: other)?.contains("email_verified") == true)
    }
}
