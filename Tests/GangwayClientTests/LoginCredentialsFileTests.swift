import AWSCore
import Foundation
import Testing
@testable import GangwayClient

/// The credentials file after `gangway login`: one profile's keys replaced, the rest untouched, mode 0600.
@Suite struct LoginCredentialsFileTests {
    static let creds = AWSCredentials(accessKeyId: "ASIANEW", secretAccessKey: "new/secret", sessionToken: "tok+en=")
    static let expiry = Date(timeIntervalSince1970: 1_796_065_200)

    @Test func replacesOnlyThatProfilesKeysAndKeepsCommentsAndOtherProfiles() {
        let before = """
            # my credentials
            [default]
            aws_access_key_id = AKDEFAULT
            aws_secret_access_key = keep-me

            [sso]
            ; written by hand
            aws_access_key_id = ASIAOLD
            aws_secret_access_key = old
            aws_session_token = oldtoken
            x_security_token_expires = 2020-01-01T00:00:00Z
            region_note = stays

            [other]
            aws_access_key_id = AKOTHER
            """
        let after = CredentialsFileWriter.updated(before, profile: "sso", credentials: Self.creds, expiration: Self.expiry)
        #expect(after == """
            # my credentials
            [default]
            aws_access_key_id = AKDEFAULT
            aws_secret_access_key = keep-me

            [sso]
            ; written by hand
            region_note = stays
            aws_access_key_id = ASIANEW
            aws_secret_access_key = new/secret
            aws_session_token = tok+en=
            x_security_token_expires = 2026-11-30T19:00:00Z

            [other]
            aws_access_key_id = AKOTHER

            """)
        // Idempotent: a second login replaces, never duplicates.
        let again = CredentialsFileWriter.updated(after, profile: "sso", credentials: Self.creds, expiration: Self.expiry)
        #expect(again == after)
    }

    @Test func appendsANewProfile() {
        #expect(CredentialsFileWriter.updated("[default]\naws_access_key_id = A\n", profile: "sso", credentials: Self.creds, expiration: nil)
            == "[default]\naws_access_key_id = A\n\n[sso]\naws_access_key_id = ASIANEW\naws_secret_access_key = new/secret\naws_session_token = tok+en=\n")
        #expect(CredentialsFileWriter.updated("", profile: "p", credentials: AWSCredentials(accessKeyId: "A", secretAccessKey: "S"), expiration: nil)
            == "[p]\naws_access_key_id = A\naws_secret_access_key = S\n")
    }

    @Test func writesAtomicallyWithMode0600AndAWSCoreReadsTheSessionToken() throws {
        let dir = try LoginFixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nested/credentials").path
        try CredentialsFileWriter.write(path: path, profile: "sso", credentials: Self.creds, expiration: Self.expiry)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["credentials"])  // no temporary file left behind

        let settings = try AWSClientSettings.resolve(service: "ssm", profile: "sso", region: "eu-west-1",
                                                     environment: ["HOME": dir.path, "AWS_SHARED_CREDENTIALS_FILE": path,
                                                                   "AWS_CONFIG_FILE": dir.appendingPathComponent("none").path])
        #expect(settings.credentials == Self.creds)
    }

    @Test func unusableCredentialsPathLeavesAClearErrorAndNoTemporaryFile() throws {
        let dir = try LoginFixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A folder where the file should be (works as root too, unlike permissions).
        let path = dir.appendingPathComponent("credentials").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        do {
            try CredentialsFileWriter.write(path: path, profile: "sso", credentials: Self.creds, expiration: nil)
            Issue.record("expected an error")
        } catch let e as LoginError {
            #expect(e.message.contains(path) && e.message.contains("credentials were not saved"))
        }
        // Its parent is a file: the folder cannot be created.
        let blocked = dir.appendingPathComponent("file").path
        try "x".write(toFile: blocked, atomically: false, encoding: .utf8)
        #expect(throws: LoginError.self) {
            try CredentialsFileWriter.write(path: blocked + "/credentials", profile: "sso", credentials: Self.creds, expiration: nil)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["credentials", "file"])
    }
}
