import Foundation
import Testing
@testable import AWSCore
import GangwayTesting

@Suite struct HTTPClientTests {
    @Test func postSendsHeadersAndBodyAndReturnsResponse() async throws {
        let server = try LoopbackHTTPServer { req in
            .init(status: 201, headers: [("X-Echo", req.header("X-Custom") ?? "-"), ("Content-Type", "text/plain")],
                  body: Array("got \(req.body.count) bytes via \(req.method)".utf8))
        }
        defer { server.stop() }
        let client = HTTPClient()
        let body = [UInt8](repeating: 0x41, count: 200_000)
        let r = try await client.execute(HTTPRequest(method: "POST", url: server.url + "/x?y=1",
                                                     headers: [("X-Custom", "hello"), ("Content-Type", "application/octet-stream")], body: body))
        #expect(r.status == 201)
        #expect(r.header("x-echo") == "hello")
        #expect(r.bodyText == "got 200000 bytes via POST")
        let seen = try #require(server.requests.first)
        #expect(seen.target == "/x?y=1")
        #expect(seen.body == body)
        #expect(seen.header("Expect") == nil)
        #expect(seen.header("Host") == "127.0.0.1:\(server.port)")
    }

    @Test func getAndErrorStatusesAreResponsesNotErrors() async throws {
        let server = try LoopbackHTTPServer { _ in .init(status: 404, body: Array("nope".utf8)) }
        defer { server.stop() }
        let r = try await HTTPClient().execute(HTTPRequest(method: "GET", url: server.url + "/missing"))
        #expect(r.status == 404 && r.bodyText == "nope")
        #expect(server.requests.first?.method == "GET")
    }

    @Test func timeoutIsReportedAsTimedOut() async throws {
        // The server answers after 15 s; the client must give up long before. The bound is loose because suites
        // that spawn python/aws block Swift's two cooperative threads for seconds on this 2-core machine.
        let server = try LoopbackHTTPServer { _ in .init(delay: 15) }
        defer { server.stop() }
        let start = Date()
        await #expect(throws: HTTPClientError.timedOut(url: server.url + "/", seconds: 0.3)) {
            _ = try await HTTPClient().execute(HTTPRequest(method: "POST", url: server.url + "/", timeout: .milliseconds(300)))
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func closedPortIsUnreachableWithAClearMessage() async throws {
        // A bound but not listening socket: connections are refused and no other test can take the port.
        let port = try LoopbackHTTPServer.ReservedPort()
        let url = "http://127.0.0.1:\(port.port)/"
        do {
            _ = try await HTTPClient().execute(HTTPRequest(method: "POST", url: url))
            Issue.record("expected an error")
        } catch let e as HTTPClientError {
            guard case .unreachable = e else { Issue.record("got \(e)"); return }
            #expect("\(e)".hasPrefix("cannot reach \(url)"))
        }
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try LoopbackHTTPServer { _ in .init(delay: 15) }
        defer { server.stop() }
        let client = HTTPClient()
        let start = Date()
        let task = Task { try await client.execute(HTTPRequest(method: "GET", url: server.url + "/slow")) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: HTTPClientError.cancelled(url: server.url + "/slow")) { _ = try await task.value }
        #expect(Date().timeIntervalSince(start) < 10, "cancelling must not wait for the server's 15 s answer")
    }

    @Test func invalidURLIsRejectedUpFront() async {
        await #expect(throws: HTTPClientError.invalidURL("ftp://x")) {
            _ = try await HTTPClient().execute(HTTPRequest(method: "GET", url: "ftp://x"))
        }
    }
}
