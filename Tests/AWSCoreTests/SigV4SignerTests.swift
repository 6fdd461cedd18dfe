import Foundation
import Testing
@testable import AWSCore

/// Vectors from the public AWS SigV4 test suite (aws-sig-v4-test-suite, 2015-08-30 edition).
@Suite struct SigV4SignerTests {
    static let creds = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = AmzDate(parsing: "20150830T123600Z")!.date
    let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "service")

    func authorization(_ url: String, method: String = "GET") throws -> String {
        let headers = try signer.signingHeaders(method: method, url: url, date: Self.date)
        return try #require(headers.first { $0.0 == "Authorization" }?.1)
    }

    @Test func getVanilla() throws {
        #expect(try authorization("https://example.amazonaws.com/") ==
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func getVanillaQueryOrderKeyCase() throws {
        #expect(try authorization("https://example.amazonaws.com/?Param2=value2&Param1=value1")
            .hasSuffix("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"))
    }

    @Test func getUTF8Path() throws {
        #expect(try authorization("https://example.amazonaws.com/%E1%88%B4")
            .hasSuffix("Signature=8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"))
    }

    @Test func addsDateHostTokenAndS3ContentHash() throws {
        var creds = Self.creds
        creds.sessionToken = "TOKEN/abc="
        let s3 = SigV4Signer(credentials: creds, region: "eu-west-1", service: "s3")
        let headers = try s3.signingHeaders(method: "PUT", url: "http://127.0.0.1:9000/bucket/key", body: Array("hi".utf8), date: Self.date)
        let names = headers.map(\.0)
        #expect(names == ["Host", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "Authorization"])
        #expect(headers[0].1 == "127.0.0.1:9000")
        #expect(headers[1].1 == "20150830T123600Z")
        #expect(headers[2].1 == "TOKEN/abc=")
        #expect(headers[3].1 == SigV4Canonical.sha256Hex(Array("hi".utf8)))
        #expect(headers[4].1.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"))
    }

    @Test func rejectsRelativeURL() {
        #expect(throws: SigV4SignerError.invalidURL("/relative")) {
            try signer.signingHeaders(method: "GET", url: "/relative", date: Self.date)
        }
    }

    @Test func amzDateRoundTripsAndRejectsNonsense() {
        #expect(AmzDate(epochSeconds: 1_440_938_160).dateTime == "20150830T123600Z")
        #expect(AmzDate(parsing: "20150830T123600Z")?.epochSeconds == 1_440_938_160)
        #expect(AmzDate(parsing: "20240229T000000Z") != nil)
        #expect(AmzDate(parsing: "20230229T000000Z") == nil)
        #expect(AmzDate(parsing: "2015-08-30T12:36:00Z") == nil)
        #expect(AmzDate(parsing: "") == nil)
    }
}
