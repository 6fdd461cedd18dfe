import AWSCore
@testable import ControlPlane
import Foundation
import GangwayClient
import Testing

/// `gangway login --oidc`'s STS client (GangwayClient/Login) against the real gangwayd STS: the credentials it reads
/// work, and a refusal comes back as its error quoting the STS code.
struct STSGangwayLoginTests {
    @Test func gangwayLoginsSTSClientGetsWorkingCredentials() async throws {
        try await STSFixture.with { f in
            let client = STSClient(endpointURL: f.server.baseURL)
            let out = try await client.assumeRoleWithWebIdentity(AssumeRoleWithWebIdentityInput(
                roleArn: "arn:aws:iam::123456789012:role/oncall", roleSessionName: "ann", webIdentityToken: f.token(),
                durationSeconds: 1800))
            #expect(out.expiration == f.clock.now().addingTimeInterval(1800))
            #expect(out.assumedRoleArn == "arn:aws:sts::123456789012:assumed-role/oncall/ann")
            #expect(try await f.ssm("DescribeInstanceInformation", credentials: out.credentials).status == 200)

            do {
                _ = try await client.assumeRoleWithWebIdentity(AssumeRoleWithWebIdentityInput(
                    roleArn: "arn:aws:iam::123456789012:role/oncall", roleSessionName: "ann",
                    webIdentityToken: f.token(audience: "not-us")))
                Issue.record("a token for another audience was accepted")
            } catch {
                #expect("\(error)".contains("InvalidIdentityToken"))
            }
        }
    }
}
