import Foundation
import Testing
@testable import AWSCore
import GangwayTesting

/// Runs the real AWS CLI against a loopback capture server and checks that `SigV4Verifier` accepts
/// the request it sent: the strongest proof that gangwayd will accept the stock CLI.
@Suite struct AWSCLICompatibilityTests {
    @Test func verifierAcceptsRealAWSCLIRequest() throws {
        let server = try LoopbackHTTPServer { _ in
            .init(body: Array(#"{"Sessions":[]}"#.utf8))
        }
        defer { server.stop() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["aws", "ssm", "describe-sessions", "--state", "Active", "--endpoint-url", server.url, "--output", "json"]
        p.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": NSTemporaryDirectory(),
            "AWS_ACCESS_KEY_ID": "AKGWCLI", "AWS_SECRET_ACCESS_KEY": "cli/secret+KEY", "AWS_SESSION_TOKEN": "clitoken",
            "AWS_REGION": "ap-northeast-1", "AWS_DEFAULT_REGION": "ap-northeast-1", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
            "AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": "",
        ]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "aws failed: \(String(decoding: stderr, as: UTF8.self))")
        #expect(String(decoding: stdout, as: UTF8.self).contains("Sessions"))

        let captured = try #require(server.requests.first)
        #expect(captured.header("X-Amz-Target") == "AmazonSSM.DescribeSessions")
        #expect(captured.header("Content-Type") == "application/x-amz-json-1.1")
        let request = SigV4IncomingRequest(method: captured.method, path: captured.path, query: captured.query,
                                           headers: captured.headers, body: captured.body)
        let who = try SigV4Verifier().verify(request, now: Date()) { id in
            id == "AKGWCLI" ? SigV4KeyRecord(secretAccessKey: "cli/secret+KEY", principal: "cli-user") : nil
        }
        #expect(who.principal == "cli-user")
        #expect(who.region == "ap-northeast-1" && who.service == "ssm")
        #expect(who.securityToken == "clitoken")
        #expect(who.signedHeaders.contains("x-amz-target"))

        // The same captured request with another secret must fail.
        #expect(throws: SigV4Error.self) {
            try SigV4Verifier().verify(request, now: Date()) { _ in SigV4KeyRecord(secretAccessKey: "other", principal: "x") }
        }
    }
}
