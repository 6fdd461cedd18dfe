import Foundation
import Testing
@testable import AWSCore

@Suite struct SigV4VerifierTests {
    static let creds = AWSCredentials(accessKeyId: "AKGWTEST", secretAccessKey: "s3cr3t/Key+value")
    static let now = Date(timeIntervalSince1970: 1_764_500_000)
    static let keys = ["AKGWTEST": SigV4KeyRecord(secretAccessKey: "s3cr3t/Key+value", principal: "alice")]
    let verifier = SigV4Verifier()

    /// Signs a JSON 1.1 call the way our client does and returns it as the server would receive it.
    func signedRequest(body: String = #"{"State":"Active"}"#, date: Date = now, creds: AWSCredentials = creds,
                       url: String = "http://127.0.0.1:8080/") throws -> SigV4IncomingRequest {
        let signer = SigV4Signer(credentials: creds, region: "eu-central-1", service: "ssm")
        let base = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonSSM.DescribeSessions")]
        let added = try signer.signingHeaders(method: "POST", url: url, headers: base, body: Array(body.utf8), date: date)
        let parsed = try #require(AWSURL(url))
        // Servers see header names in whatever case; lower-case them to prove case-insensitivity.
        let wire = (base + added).map { ($0.0.lowercased(), $0.1) } + [("User-Agent", "test"), ("Content-Length", "\(body.utf8.count)")]
        return SigV4IncomingRequest(method: "POST", path: parsed.path, query: parsed.query, headers: wire, body: Array(body.utf8))
    }

    func verify(_ r: SigV4IncomingRequest, now: Date = now) throws -> SigV4VerifiedIdentity {
        try verifier.verify(r, now: now) { Self.keys[$0] }
    }

    func error(_ r: SigV4IncomingRequest, now: Date = now) -> SigV4Error? {
        do { _ = try verify(r, now: now); return nil } catch { return error as? SigV4Error }
    }

    @Test func signThenVerifyRoundTrip() throws {
        let who = try verify(try signedRequest())
        #expect(who.accessKeyId == "AKGWTEST")
        #expect(who.principal == "alice")
        #expect(who.region == "eu-central-1")
        #expect(who.service == "ssm")
        #expect(who.signedHeaders == ["content-type", "host", "x-amz-date", "x-amz-target"])
        #expect(!who.presigned)
    }

    @Test func roundTripWithSessionTokenPathAndQuery() throws {
        var c = Self.creds
        c.sessionToken = "FwoGZXIvYXdzE//token=="
        let who = try verify(try signedRequest(creds: c, url: "https://gw.example:8443/v1/data-channel/alice-0123?role=publish_subscribe&a=b%20c"))
        #expect(who.securityToken == "FwoGZXIvYXdzE//token==")
    }

    @Test func tamperedBodyIsRejected() throws {
        var r = try signedRequest()
        r.body = Array(#"{"State":"History"}"#.utf8)
        #expect(error(r)?.code == .invalidSignature)
        #expect(error(r)?.message.hasPrefix("The request signature we calculated does not match") == true)
    }

    @Test func tamperedSignedHeaderIsRejected() throws {
        var r = try signedRequest()
        r.headers = r.headers.map { $0.0 == "x-amz-target" ? ($0.0, "AmazonSSM.TerminateSession") : $0 }
        #expect(error(r)?.code == .invalidSignature)
    }

    @Test func unsignedHeaderMayChange() throws {
        var r = try signedRequest()
        r.headers = r.headers.map { $0.0 == "User-Agent" ? ($0.0, "other/1.0") : $0 }
        #expect(try verify(r).principal == "alice")
    }

    @Test func wrongSecretIsInvalidSignature() throws {
        let r = try signedRequest(creds: AWSCredentials(accessKeyId: "AKGWTEST", secretAccessKey: "wrong"))
        #expect(error(r)?.code == .invalidSignature)
    }

    @Test func unknownKeyIsUnrecognizedClient() throws {
        let r = try signedRequest(creds: AWSCredentials(accessKeyId: "AKNOBODY", secretAccessKey: "x"))
        #expect(error(r) == SigV4Error(.unrecognizedClient, "The security token included in the request is invalid."))
    }

    @Test func staleAndFutureDatesAreRejected() throws {
        let stale = try signedRequest(date: Self.now.addingTimeInterval(-301))
        let e = try #require(error(stale))
        #expect(e.code == .invalidSignature)
        #expect(e.message.hasPrefix("Signature expired: "))
        #expect(error(try signedRequest(date: Self.now.addingTimeInterval(-299))) == nil)
        #expect(error(try signedRequest(date: Self.now.addingTimeInterval(301)))?.message.hasPrefix("Signature not yet current") == true)
    }

    @Test func missingAuthIsMissingAuthenticationToken() {
        let r = SigV4IncomingRequest(method: "POST", path: "/", headers: [("Host", "x")], body: [])
        #expect(error(r)?.code == .missingAuthenticationToken)
    }

    @Test(arguments: [
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=AKGWTEST/20251130/r/ssm/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKGWTEST/20251130/r/ssm, SignedHeaders=host, Signature=" + String(repeating: "a", count: 64),
        "AWS4-HMAC-SHA256 Credential=AKGWTEST/20251130/r/ssm/aws4_request, SignedHeaders=x-amz-date, Signature=" + String(repeating: "a", count: 64),
        "AWS4-HMAC-SHA256 Credential=AKGWTEST/20251130/r/ssm/aws4_request, SignedHeaders=host, Signature=zz",
        "AWS4-HMAC-SHA256 Credential=, SignedHeaders=;;;, Signature=",
        "AWS4-HMAC-SHA1 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=00",
        "Basic dXNlcjpwYXNz",
        "AWS4-HMAC-SHA256 Credential=/,Credential=/,Credential=/,Credential=/",
        "AWS4-HMAC-SHA256 Credential=AKGWTEST/😀/r/s/aws4_request, SignedHeaders=host;HOST;\u{7F}, Signature=" + String(repeating: "0", count: 64),
    ])
    func malformedAuthorizationIsIncompleteSignature(header: String) {
        #expect(error(SigV4IncomingRequest(method: "POST", path: "/", headers: [
            ("Host", "x"), ("X-Amz-Date", "20251130T104000Z"),
            ("Authorization", "AWS4-HMAC-SHA256 " + String(repeating: "Credential=/,", count: 5000)),
        ]))?.code == .incompleteSignature)
        let r = SigV4IncomingRequest(method: "POST", path: "/", headers: [("Host", "x"), ("X-Amz-Date", "20251130T104000Z"), ("Authorization", header)])
        #expect(error(r)?.code == .incompleteSignature)
    }

    @Test func hostileHeaderValuesNeverTrap() throws {
        var r = try signedRequest()
        r.headers += [("x-amz-date", "garbage"), ("\u{0}", "\u{0}"), ("Host", String(repeating: " ", count: 10_000))]
        #expect(error(r) != nil)
        r.path = "%%%/../../..%zz"
        #expect(error(r) != nil)
    }

    @Test func presignedURLRoundTripAndExpiry() throws {
        let signer = SigV4Signer(credentials: Self.creds, region: "us-west-2", service: "ssmmessages")
        let url = try signer.presignedURL(url: "ws://127.0.0.1:9000/v1/data-channel/alice-0001?role=publish_subscribe", expires: 60, date: Self.now)
        let parsed = try #require(AWSURL(url))
        let r = SigV4IncomingRequest(method: "GET", path: parsed.path, query: parsed.query,
                                     headers: [("Host", "127.0.0.1:9000"), ("Upgrade", "websocket")])
        let who = try verify(r)
        #expect(who.presigned && who.service == "ssmmessages" && who.principal == "alice")
        #expect(error(r, now: Self.now.addingTimeInterval(61))?.message.hasPrefix("Signature expired") == true)
        var other = r
        other.query = parsed.query.replacingOccurrences(of: "alice-0001", with: "x").replacingOccurrences(of: "role=publish_subscribe", with: "role=subscribe")
        #expect(error(other)?.code == .invalidSignature)
    }
}
