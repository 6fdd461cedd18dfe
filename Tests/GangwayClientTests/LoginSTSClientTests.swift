import AWSCore
import Foundation
import GangwayTesting
import Testing
@testable import GangwayClient

/// STS AssumeRoleWithWebIdentity over the Query protocol against a fake STS on loopback.
@Suite struct LoginSTSClientTests {
    static let input = AssumeRoleWithWebIdentityInput(roleArn: "arn:aws:iam::123456789012:role/operators",
                                                      roleSessionName: "alice@example.com",
                                                      webIdentityToken: "eyJ.a+b/c=.sig", durationSeconds: 3600)

    @Test func sendsTheQueryFormAndReadsTheCredentials() async throws {
        let sts = try LoopbackHTTPServer { _ in LoginFixtures.xml(LoginFixtures.stsSuccessXML) }
        defer { sts.stop() }
        let out = try await STSClient(endpointURL: sts.url + "/").assumeRoleWithWebIdentity(Self.input)

        #expect(out.credentials == AWSCredentials(accessKeyId: "ASIAGANGWAYEXAMPLE",
                                                  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
                                                  sessionToken: "FwoGZXIvYXdzEBY&token/+="))
        #expect(out.expiration == Date(timeIntervalSince1970: 1_796_065_200))  // 2026-11-30T19:00:00Z
        #expect(out.assumedRoleArn == "arn:aws:sts::123456789012:assumed-role/operators/alice@example.com")
        #expect(out.subjectFromWebIdentityToken == "u-1")

        let req = try #require(sts.requests.first)
        #expect(req.method == "POST" && req.target == "/")
        #expect(req.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(req.header("Authorization") == nil)  // unsigned, like the AWS CLI
        #expect(FormEncoding.decode(req.bodyText) == [
            "Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
            "RoleArn": "arn:aws:iam::123456789012:role/operators", "RoleSessionName": "alice@example.com",
            "WebIdentityToken": "eyJ.a+b/c=.sig", "DurationSeconds": "3600",
        ])
        #expect(req.bodyText.contains("WebIdentityToken=eyJ.a%2Bb%2Fc%3D.sig"))
    }

    @Test func errorResponseShowsTheServersCodeAndMessage() async throws {
        let sts = try LoopbackHTTPServer { _ in
            LoginFixtures.xml(LoginFixtures.stsErrorXML(code: "InvalidIdentityToken", message: "Token audience &apos;other&apos; is not allowed"), status: 400)
        }
        defer { sts.stop() }
        do {
            _ = try await STSClient(endpointURL: sts.url).assumeRoleWithWebIdentity(Self.input)
            Issue.record("expected an error")
        } catch let e as LoginError {
            #expect(e.message.hasPrefix("STS refused AssumeRoleWithWebIdentity: InvalidIdentityToken: Token audience 'other' is not allowed"))
        }
    }

    @Test func nonXMLAnswersAndUnreachableEndpointsAreExplained() async throws {
        let sts = try LoopbackHTTPServer { _ in .init(status: 404, headers: [], body: Array("no such route".utf8)) }
        defer { sts.stop() }
        await #expect(throws: LoginError("STS at \(sts.url)/ answered HTTP 404: no such route (is the endpoint URL an STS endpoint?)")) {
            _ = try await STSClient(endpointURL: sts.url).assumeRoleWithWebIdentity(Self.input)
        }
        let ok200 = try LoopbackHTTPServer { _ in .json("{}") }
        defer { ok200.stop() }
        await #expect(throws: LoginError.self) { _ = try await STSClient(endpointURL: ok200.url).assumeRoleWithWebIdentity(Self.input) }

        let reserved = try LoopbackHTTPServer.ReservedPort()
        do {
            _ = try await STSClient(endpointURL: "http://127.0.0.1:\(reserved.port)").assumeRoleWithWebIdentity(Self.input)
            Issue.record("expected an error")
        } catch let e as LoginError {
            #expect(e.message.hasPrefix("cannot reach the STS endpoint http://127.0.0.1:\(reserved.port)/"))
        }
    }

    @Test func expirationWithFractionalSecondsAndDefaultEndpoints() {
        #expect(STSClient.parseTimestamp("2026-11-30T19:00:00.250Z") == Date(timeIntervalSince1970: 1_796_065_200.25))
        #expect(STSClient.defaultEndpoint(region: "eu-west-1") == "https://sts.eu-west-1.amazonaws.com")
        #expect(STSClient.defaultEndpoint(region: nil) == "https://sts.amazonaws.com")
    }
}
