import Foundation
import Testing
@testable import AWSCore
import GangwayTesting

@Suite struct AWSJSONClientTests {
    struct Input: Encodable { var State: String; var When: Date }
    struct Output: Decodable { var Sessions: [Session]; struct Session: Decodable { var SessionId: String; var StartDate: Date } }

    static let settings = AWSClientSettings(credentials: AWSCredentials(accessKeyId: "AKJSON", secretAccessKey: "sekret"),
                                            region: "eu-north-1", endpointURL: "http://127.0.0.1:1")

    func client(_ server: LoopbackHTTPServer) -> AWSJSONClient {
        var s = Self.settings
        s.endpointURL = server.url
        return AWSJSONClient(settings: s, signingName: "ssm", targetPrefix: "AmazonSSM")
    }

    @Test func signedJSONCallRoundTripsWithEpochSecondTimestamps() async throws {
        let server = try LoopbackHTTPServer { req in
            let verified = try? SigV4Verifier().verify(
                SigV4IncomingRequest(method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body),
                now: Date()) { $0 == "AKJSON" ? SigV4KeyRecord(secretAccessKey: "sekret", principal: "p") : nil }
            guard verified != nil else { return .init(status: 400, body: Array(#"{"__type":"InvalidSignatureException","message":"bad"}"#.utf8)) }
            return .init(body: Array(#"{"Sessions":[{"SessionId":"alice-0123","StartDate":1764500000.5}]}"#.utf8))
        }
        defer { server.stop() }
        let out: Output = try await client(server).call("DescribeSessions", Input(State: "Active", When: Date(timeIntervalSince1970: 1_700_000_000)))
        #expect(out.Sessions.first?.SessionId == "alice-0123")
        #expect(out.Sessions.first?.StartDate == Date(timeIntervalSince1970: 1_764_500_000.5))
        let req = try #require(server.requests.first)
        #expect(req.header("X-Amz-Target") == "AmazonSSM.DescribeSessions")
        #expect(req.header("Content-Type") == "application/x-amz-json-1.1")
        #expect(String(decoding: req.body, as: UTF8.self) == #"{"State":"Active","When":1700000000}"#)
    }

    @Test func errorBodyBecomesTypedAWSError() async throws {
        let server = try LoopbackHTTPServer { _ in
            .init(status: 400, body: Array(#"{"__type":"com.amazonaws.ssm#TargetNotConnected","message":"i-123 is not connected."}"#.utf8))
        }
        defer { server.stop() }
        await #expect(throws: AWSError(code: "TargetNotConnected", message: "i-123 is not connected.", status: 400)) {
            _ = try await client(server).callRaw("StartSession", body: Array("{}".utf8))
        }
    }

    final class Counter: @unchecked Sendable {
        // @unchecked: `n` is guarded by `lock`.
        private let lock = NSLock()
        private var n = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
    }

    @Test func serverErrorsAreRetriedThenSucceed() async throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            counter.next() == 1
                ? .init(status: 503, body: Array(#"{"__type":"ServiceUnavailable","message":"busy"}"#.utf8))
                : .init(body: Array(#"{"ok":1}"#.utf8))
        }
        defer { server.stop() }
        let out = try await client(server).callRaw("DescribeSessions", body: Array("{}".utf8))
        #expect(String(decoding: out, as: UTF8.self) == #"{"ok":1}"#)
        #expect(server.requests.count == 2)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 400, body: Array(#"{"__type":"ValidationException","message":"no"}"#.utf8)) }
        defer { server.stop() }
        await #expect(throws: AWSError.self) { _ = try await client(server).callRaw("X", body: []) }
        #expect(server.requests.count == 1)
    }

    @Test func parsesOtherErrorShapes() {
        #expect(AWSError.parse(status: 403, body: Array(#"{"Message":"denied"}"#.utf8), headers: [("x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/")])
                == AWSError(code: "AccessDeniedException", message: "denied", status: 403))
        #expect(AWSError.parse(status: 502, body: Array("<html>bad gateway</html>".utf8)).code == "InternalServerError")
        #expect(AWSError.parse(status: 502, body: Array("<html>bad gateway</html>".utf8)).message == "<html>bad gateway</html>")
        #expect(AWSError.parse(status: 400, body: []).code == "BadRequest")
    }
}
