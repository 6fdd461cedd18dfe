import Foundation
import GangwayTesting
import Testing
@testable import AWSCore

/// Temporary credentials (as `gangway login --oidc` stores them) flow from the credentials file through the
/// credential chain into a signed request that carries, and signs, X-Amz-Security-Token.
@Suite struct SessionTokenTests {
    static func files(_ credentials: String) throws -> (URL, [String: String]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-sessiontoken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try credentials.write(to: dir.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        try "[profile sso]\nregion = eu-west-1\n".write(to: dir.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        return (dir, ["HOME": dir.path, "AWS_SHARED_CREDENTIALS_FILE": dir.appendingPathComponent("credentials").path,
                      "AWS_CONFIG_FILE": dir.appendingPathComponent("config").path])
    }

    @Test func profileSessionTokenIsSentAndSignedOnTheWire() async throws {
        let (dir, env) = try Self.files("""
            [sso]
            aws_access_key_id = ASIATEMP
            aws_secret_access_key = temp/secret+1
            aws_session_token = FwoGZXIvYXdzEBY/session+token==
            x_security_token_expires = 2026-11-30T19:00:00Z
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try LoopbackHTTPServer { _ in .json("{}") }
        defer { server.stop() }

        let settings = try AWSClientSettings.resolve(service: "ssm", profile: "sso", endpointURL: server.url, environment: env)
        #expect(settings.credentials.sessionToken == "FwoGZXIvYXdzEBY/session+token==")
        let now = Date()
        _ = try await AWSJSONClient(settings: settings, signingName: "ssm", targetPrefix: "AmazonSSM", clock: { now })
            .callRaw("DescribeInstanceInformation", body: Array("{}".utf8))

        let wire = try #require(server.requests.first)
        #expect(wire.header("X-Amz-Security-Token") == "FwoGZXIvYXdzEBY/session+token==")
        #expect(wire.header("Authorization")?.contains("x-amz-security-token") == true)
        // What gangwayd does with it: the signature verifies and names the token.
        let incoming = SigV4IncomingRequest(method: wire.method, path: wire.path, query: wire.query, headers: wire.headers, body: wire.body)
        let who = try SigV4Verifier().verify(incoming, now: now) { id in
            id == "ASIATEMP" ? SigV4KeyRecord(secretAccessKey: "temp/secret+1", principal: "role-session") : nil
        }
        #expect(who.securityToken == "FwoGZXIvYXdzEBY/session+token==")
        #expect(who.principal == "role-session")
    }

    @Test func environmentSessionTokenWinsWithoutAnExplicitProfile() throws {
        let (dir, env) = try Self.files("[sso]\naws_access_key_id = ASIAFILE\naws_secret_access_key = f\naws_session_token = filetok\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let s = try AWSClientSettings.resolve(service: "ssm", environment: env.merging([
            "AWS_PROFILE": "sso", "AWS_ACCESS_KEY_ID": "ASIAENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SESSION_TOKEN": "envtok",
        ]) { $1 })
        #expect(s.credentials == AWSCredentials(accessKeyId: "ASIAENV", secretAccessKey: "e", sessionToken: "envtok"))
        // With --profile, the profile's token is used (the AWS CLI's order).
        let p = try AWSClientSettings.resolve(service: "ssm", profile: "sso", environment: env.merging(["AWS_SESSION_TOKEN": "envtok"]) { $1 })
        #expect(p.credentials.sessionToken == "filetok")
    }
}
