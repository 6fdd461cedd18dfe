import AWSCore
import Foundation
import GangwayTesting
import Testing
@testable import GangwayClient

/// The whole `gangway login --oidc`: settings from the AWS config profile, fake IdP and fake STS on loopback,
/// the credentials file written.
@Suite struct LoginFlowTests {
    struct Setup {
        let dir: URL
        let env: [String: String]
        var credentialsPath: String { env["AWS_SHARED_CREDENTIALS_FILE"]! }
    }

    static func setup(config: String, credentials: String? = nil) throws -> Setup {
        let dir = try LoginFixtures.tempDir()
        let configPath = dir.appendingPathComponent("config").path
        let credsPath = dir.appendingPathComponent("credentials").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        if let credentials { try credentials.write(toFile: credsPath, atomically: true, encoding: .utf8) }
        return Setup(dir: dir, env: ["HOME": dir.path, "AWS_CONFIG_FILE": configPath, "AWS_SHARED_CREDENTIALS_FILE": credsPath])
    }

    @Test func profileAloneIsEnoughAndTheCredentialsLandInIt() async throws {
        let idp = try FakeIdP(script: [.error("authorization_pending"), .error("authorization_pending"), .error("slow_down"),
                                       .idToken(LoginFixtures.idToken())])
        defer { idp.stop() }
        let sts = try LoopbackHTTPServer { _ in LoginFixtures.xml(LoginFixtures.stsSuccessXML) }
        defer { sts.stop() }
        let s = try Self.setup(config: """
            [profile sso]
            region = eu-west-1
            endpoint_url = \(sts.url)
            gangway_oidc_issuer = \(idp.issuer)
            gangway_oidc_client_id = gangway-cli
            gangway_role_arn = arn:aws:iam::123456789012:role/operators
            gangway_oidc_scope = groups
            """, credentials: "# keep this\n[default]\naws_access_key_id = AKDEF\naws_secret_access_key = d\n")
        defer { try? FileManager.default.removeItem(at: s.dir) }

        let settings = try OIDCLoginSettings.resolve(.init(profile: "sso"), environment: s.env)
        #expect(settings.stsEndpoint == sts.url && settings.extraScopes == ["groups"] && settings.durationSeconds == nil)
        let progress = ProgressLog<OIDCLoginProgress>()
        let clock = JumpingLoginClock()
        let result = try await OIDCLogin(clock: clock).run(settings, progress: { progress.add($0) })

        #expect(result.user == "alice@example.com")
        #expect(result.profile == "sso" && result.accessKeyId == "ASIAGANGWAYEXAMPLE")
        #expect(clock.waits == [1, 1, 1, 6])
        #expect(progress.all.last == .assumingRole(roleArn: "arn:aws:iam::123456789012:role/operators", endpoint: sts.url))
        #expect(try String(contentsOfFile: s.credentialsPath, encoding: .utf8) == """
            # keep this
            [default]
            aws_access_key_id = AKDEF
            aws_secret_access_key = d

            [sso]
            aws_access_key_id = ASIAGANGWAYEXAMPLE
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY
            aws_session_token = FwoGZXIvYXdzEBY&token/+=
            x_security_token_expires = 2026-11-30T19:00:00Z

            """)
        let form = FormEncoding.decode(try #require(sts.requests.first).bodyText)
        #expect(form["RoleSessionName"] == "alice@example.com")
        #expect(form["WebIdentityToken"] == LoginFixtures.idToken())
        #expect(form["DurationSeconds"] == nil)

        // gangway's own credential chain now signs with the session token.
        let aws = try AWSClientSettings.resolve(service: "ssm", profile: "sso", environment: s.env)
        #expect(aws.credentials.sessionToken == "FwoGZXIvYXdzEBY&token/+=")
        #expect(aws.endpointURL == sts.url)
    }

    @Test func stsRefusalIsShownAndNothingIsWritten() async throws {
        let idp = try FakeIdP(script: [.idToken(LoginFixtures.idToken())])
        defer { idp.stop() }
        let sts = try LoopbackHTTPServer { _ in
            LoginFixtures.xml(LoginFixtures.stsErrorXML(code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity"), status: 403)
        }
        defer { sts.stop() }
        let s = try Self.setup(config: "[default]\nregion = eu-west-1\n", credentials: "[default]\naws_access_key_id = A\n")
        defer { try? FileManager.default.removeItem(at: s.dir) }
        let settings = try OIDCLoginSettings.resolve(.init(issuer: idp.issuer, clientId: "c", roleArn: "arn:aws:iam::1:role/r",
                                                           durationSeconds: 900, endpointURL: sts.url), environment: s.env)
        #expect(settings.profile == "default")
        do {
            _ = try await OIDCLogin(clock: JumpingLoginClock()).run(settings)
            Issue.record("expected an error")
        } catch let e as LoginError {
            #expect(e.message.hasPrefix("STS refused AssumeRoleWithWebIdentity: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"))
        }
        #expect(FormEncoding.decode(try #require(sts.requests.first).bodyText)["DurationSeconds"] == "900")
        #expect(try String(contentsOfFile: s.credentialsPath, encoding: .utf8) == "[default]\naws_access_key_id = A\n")
    }

    @Test func accessDeniedAtTheIdPNeverCallsSTS() async throws {
        let idp = try FakeIdP(script: [.error("access_denied")])
        defer { idp.stop() }
        let sts = try LoopbackHTTPServer { _ in LoginFixtures.xml(LoginFixtures.stsSuccessXML) }
        defer { sts.stop() }
        let s = try Self.setup(config: "")
        defer { try? FileManager.default.removeItem(at: s.dir) }
        let settings = try OIDCLoginSettings.resolve(.init(issuer: idp.issuer, clientId: "c", roleArn: "arn:aws:iam::1:role/r",
                                                           endpointURL: sts.url), environment: s.env)
        await #expect(throws: LoginError.self) { _ = try await OIDCLogin(clock: JumpingLoginClock()).run(settings) }
        #expect(sts.requests.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: s.credentialsPath))
    }

    @Test func missingSettingsSayWhereToPutThem() throws {
        let s = try Self.setup(config: "[profile sso]\ngangway_oidc_issuer = https://idp.example\n")
        defer { try? FileManager.default.removeItem(at: s.dir) }
        #expect(throws: LoginError("no --client-id given: pass --client-id or add 'gangway_oidc_client_id = …' to [profile sso] in \(s.env["AWS_CONFIG_FILE"]!)")) {
            _ = try OIDCLoginSettings.resolve(.init(profile: "sso"), environment: s.env)
        }
        #expect(throws: LoginError.self) {
            _ = try OIDCLoginSettings.resolve(.init(profile: "sso", clientId: "c", roleArn: "r", durationSeconds: 60), environment: s.env)
        }
        // No endpoint configured: AWS STS of the region (or the global endpoint).
        let aws = try OIDCLoginSettings.resolve(.init(profile: "sso", clientId: "c", roleArn: "r", region: "eu-west-3"), environment: s.env)
        #expect(aws.stsEndpoint == "https://sts.eu-west-3.amazonaws.com")
        let env = try OIDCLoginSettings.resolve(.init(profile: "sso", clientId: "c", roleArn: "r"),
                                                environment: s.env.merging(["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"]) { $1 })
        #expect(env.stsEndpoint == "http://127.0.0.1:9")
    }

    @Test func sessionNameComesFromTheTokenAndIsMadeValid() {
        let now = Date(timeIntervalSince1970: 1_764_500_000)
        #expect(OIDCLoginSettings.sessionName(for: OIDCTokens(idToken: LoginFixtures.idToken(["sub": "x", "preferred_username": "Jean Dupont/ops"])), now: now) == "Jean-Dupont-ops")
        #expect(OIDCLoginSettings.sessionName(for: OIDCTokens(idToken: "not-a-jwt"), now: now) == "gangway-1764500000")
    }
}
