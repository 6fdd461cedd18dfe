import Foundation
import Testing
@testable import AWSCore

@Suite struct AWSClientSettingsTests {
    /// A temp HOME with ~/.aws/{credentials,config}.
    final class Home {
        let path: String
        init(credentials: String? = nil, config: String? = nil) throws {
            path = NSTemporaryDirectory() + "gw-home-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: path + "/.aws", withIntermediateDirectories: true)
            if let credentials { try credentials.write(toFile: path + "/.aws/credentials", atomically: true, encoding: .utf8) }
            if let config { try config.write(toFile: path + "/.aws/config", atomically: true, encoding: .utf8) }
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static let credentials = """
    # comment
    [default]
    aws_access_key_id = AKDEFAULT
    aws_secret_access_key = secretdefault

    [dev]
    aws_access_key_id=AKDEV
    aws_secret_access_key=secret=dev
    aws_session_token = tok
    """

    static let config = """
    [default]
    region = eu-west-1

    [profile dev]
    region = ap-south-1
    endpoint_url = https://gangway.example:8443
    ; another comment
    [profile split]
    region = us-west-2
    ssm =
      endpoint_url = http://127.0.0.1:9000
    [profile half]
    aws_access_key_id = AKHALF
    """

    @Test func defaultProfileFromFiles() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        let s = try AWSClientSettings.resolve(service: "ssm", environment: ["HOME": home.path])
        #expect(s.profile == "default")
        #expect(s.credentials == AWSCredentials(accessKeyId: "AKDEFAULT", secretAccessKey: "secretdefault"))
        #expect(s.region == "eu-west-1")
        #expect(s.endpointURL == "https://ssm.eu-west-1.amazonaws.com")
        #expect(!s.endpointIsCustom)
    }

    @Test func namedProfileWithEndpointAndToken() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        let s = try AWSClientSettings.resolve(service: "ssm", profile: "dev", environment: ["HOME": home.path, "AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "x"])
        // An explicit --profile beats environment keys, as in the AWS CLI.
        #expect(s.credentials == AWSCredentials(accessKeyId: "AKDEV", secretAccessKey: "secret=dev", sessionToken: "tok"))
        #expect(s.region == "ap-south-1")
        #expect(s.endpointURL == "https://gangway.example:8443")
        #expect(s.endpointIsCustom)
    }

    @Test func environmentBeatsProfileAndOverridesEverything() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        let env = ["HOME": home.path, "AWS_PROFILE": "dev", "AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "envsecret",
                   "AWS_SESSION_TOKEN": "envtok", "AWS_REGION": "sa-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:1/",
                   "AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:2"]
        let s = try AWSClientSettings.resolve(service: "ssm", environment: env)
        #expect(s.credentials == AWSCredentials(accessKeyId: "AKENV", secretAccessKey: "envsecret", sessionToken: "envtok"))
        #expect(s.region == "sa-east-1")
        #expect(s.endpointURL == "http://127.0.0.1:2")
        let ct = try AWSClientSettings.resolve(service: "cloudtrail", environment: env)
        #expect(ct.endpointURL == "http://127.0.0.1:1")
        let flags = try AWSClientSettings.resolve(service: "ssm", region: "us-east-2", endpointURL: "http://localhost:3", environment: env)
        #expect(flags.region == "us-east-2" && flags.endpointURL == "http://localhost:3")
    }

    @Test func devNullAsTheConfigAndCredentialsFilesMeansNone() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        let env = ["HOME": home.path, "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                   "AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_PROFILE": "dev"]
        // Profile dev exists only in the home directory's files, which /dev/null replaces (read as empty, no error).
        let error = #expect(throws: (any Error).self) { try AWSClientSettings.resolve(service: "ssm", environment: env) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("profile 'dev' not found in /dev/null"))
        var noProfile = env
        noProfile["AWS_PROFILE"] = nil
        let s = try AWSClientSettings.resolve(service: "ssm", region: "eu-north-1", environment: noProfile)
        #expect(s.credentials == AWSCredentials(accessKeyId: "AKENV", secretAccessKey: "envsecret"))
        #expect(s.region == "eu-north-1")
        #expect(!s.endpointURL.contains("gangway.example"), "the home directory's config file was read")
    }

    @Test func serviceSubsectionEndpointAndFileOverrides() throws {
        let dir = try Home()
        let cfg = dir.path + "/cfg", creds = dir.path + "/creds"
        try Self.config.write(toFile: cfg, atomically: true, encoding: .utf8)
        try "[split]\naws_access_key_id = AKS\naws_secret_access_key = s\n".write(toFile: creds, atomically: true, encoding: .utf8)
        let s = try AWSClientSettings.resolve(service: "ssm", profile: "split",
                                              environment: ["HOME": "/nonexistent", "AWS_CONFIG_FILE": cfg, "AWS_SHARED_CREDENTIALS_FILE": creds])
        #expect(s.endpointURL == "http://127.0.0.1:9000")
        #expect(s.region == "us-west-2")
        #expect(s.credentials.accessKeyId == "AKS")
    }

    @Test func errorsNameTheFileAndProfile() throws {
        let home = try Home(credentials: Self.credentials, config: Self.config)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        let missing = message { _ = try AWSClientSettings.resolve(service: "ssm", profile: "nope", environment: ["HOME": home.path]) }
        #expect(missing.contains("profile 'nope' not found in \(home.path)/.aws/credentials"))
        let half = message { _ = try AWSClientSettings.resolve(service: "ssm", profile: "half", environment: ["HOME": home.path]) }
        #expect(half == "profile 'half' in \(home.path)/.aws/config has no aws_secret_access_key; add 'aws_secret_access_key = …' to it")
        let noRegion = message { _ = try AWSClientSettings.resolve(service: "ssm", environment: ["HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"]) }
        #expect(noRegion.hasPrefix("no region configured"))
        let noCreds = message { _ = try AWSClientSettings.resolve(service: "ssm", environment: ["HOME": "/nonexistent"]) }
        #expect(noCreds.hasPrefix("no credentials for profile 'default'"))
        let halfEnv = message { _ = try AWSClientSettings.resolve(service: "ssm", environment: ["HOME": "/nonexistent", "AWS_ACCESS_KEY_ID": "a"]) }
        #expect(halfEnv.contains("AWS_SECRET_ACCESS_KEY is not"))
    }

    @Test func iniParserReportsLineNumbers() {
        #expect(throws: INIFile.ParseError(file: "f", line: 3, reason: "expected 'key = value' in [a], got 'garbage'")) {
            try INIFile(parsing: "[a]\nk = v\ngarbage\n", file: "f")
        }
        #expect(throws: INIFile.ParseError.self) { try INIFile(parsing: "k = v\n", file: "f") }
        #expect(throws: INIFile.ParseError.self) { try INIFile(parsing: "[broken\n", file: "f") }
        let ini = try? INIFile(parsing: "[a]\r\nk = v = w\r\n  \r\n[ b ]\nx:1\n", file: "f")
        #expect(ini?["a"]?["k"] == "v = w")
        #expect(ini?["b"]?["x"] == "1")
        #expect(ini?.sectionOrder == ["a", "b"])
    }

    @Test func credentialsNeverPrintTheSecret() {
        let c = AWSCredentials(accessKeyId: "AKID", secretAccessKey: "supersecret", sessionToken: "SESSIONTOKEN123")
        #expect(!"\(c)".contains("supersecret") && !"\(c)".contains("SESSIONTOKEN123"))
    }
}
