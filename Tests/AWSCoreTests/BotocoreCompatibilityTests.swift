import Foundation
import Testing
@testable import AWSCore

/// Proves the verifier accepts what botocore (the AWS CLI / boto3 signer) produces, and that our signer
/// produces byte-identical Authorization headers for the same request. Needs python3 with botocore
/// (pip awscli/boto3, installed by the project's CI setup).
@Suite struct BotocoreCompatibilityTests {
    struct Signed: Decodable { let headers: [String: String] }

    /// Signs a request with botocore's SigV4Auth and returns the headers it set.
    static func botocoreSign(url: String, body: String, token: String?) throws -> [String: String] {
        let script = """
        import json, sys
        from botocore.awsrequest import AWSRequest
        from botocore.auth import SigV4Auth
        from botocore.credentials import Credentials
        a = json.loads(sys.argv[1])
        req = AWSRequest(method='POST', url=a['url'], data=a['body'].encode(),
                         headers={'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonSSM.DescribeSessions'})
        SigV4Auth(Credentials('AKGWTEST', 's3cr3t/Key+value', a.get('token')), 'ssm', 'eu-west-1').add_auth(req)
        print(json.dumps({'headers': dict(req.headers.items())}))
        """
        var args: [String: String] = ["url": url, "body": body]
        if let token { args["token"] = token }
        let argJSON = String(decoding: try JSONEncoder().encode(args), as: UTF8.self)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, argJSON]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "python3 with botocore is required (pip install awscli)")
        return try JSONDecoder().decode(Signed.self, from: data).headers
    }

    @Test(arguments: [("http://127.0.0.1:8080/", nil), ("https://127.0.0.1/", "SESSIONTOKEN/xyz==")] as [(String, String?)])
    func verifierAcceptsBotocoreAndSignerMatchesIt(url: String, token: String?) throws {
        let body = #"{"State":"Active","MaxResults":20}"#
        let headers = try Self.botocoreSign(url: url, body: body, token: token)
        let parsed = try #require(AWSURL(url))
        let wire = headers.map { ($0.key, $0.value) } + [("Host", parsed.hostHeader), ("Content-Length", "\(body.utf8.count)")]
        let request = SigV4IncomingRequest(method: "POST", path: "/", headers: wire, body: Array(body.utf8))
        let who = try SigV4Verifier().verify(request, now: Date()) { id in
            id == "AKGWTEST" ? SigV4KeyRecord(secretAccessKey: "s3cr3t/Key+value", principal: "alice") : nil
        }
        #expect(who.principal == "alice" && who.region == "eu-west-1" && who.service == "ssm")
        #expect(who.securityToken == token)

        // Our signer, same inputs and date, must produce the same Authorization header.
        let amzDate = try #require(headers["X-Amz-Date"])
        let date = try #require(AmzDate(parsing: amzDate))
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKGWTEST", secretAccessKey: "s3cr3t/Key+value", sessionToken: token),
                                 region: "eu-west-1", service: "ssm")
        let ours = try signer.signingHeaders(method: "POST", url: url,
                                             headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonSSM.DescribeSessions")],
                                             body: Array(body.utf8), date: date.date)
        #expect(ours.first { $0.0 == "Authorization" }?.1 == headers["Authorization"])
    }
}
