@testable import ControlPlane
import Foundation
import NIOCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the test gangwayd that sends what a test says and reports when gangwayd closes it.
private final class RawConnection: @unchecked Sendable {
    // @unchecked: `fd` is set once in init; the socket is used from one thread at a time.
    let fd: Int32
    let opened = ContinuousClock.now

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw TestFailure("connect() failed: \(errno)") }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until `marker` has arrived (e.g. the end of a response head); false if the connection closed first.
    func read(until marker: String, timeout: Double = 5) -> Bool {
        var got: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buf = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let n = recv(fd, &buf, buf.count, 0)
            guard n > 0 else { return false }
            got += buf[0..<n]
            if String(decoding: got, as: UTF8.self).contains(marker) { return true }
        }
        return false
    }

    /// Seconds from opening until gangwayd closed the connection (reads and drops whatever arrives meanwhile); nil if
    /// it was still open after `timeout` seconds.
    func closedAfter(timeout: Double) -> Double? {
        var buf = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now - opened < .seconds(timeout) {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            if recv(fd, &buf, buf.count, 0) <= 0 {
                let d = ContinuousClock.now - opened
                return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            }
        }
        return nil
    }
}

@Suite("gangwayd closes connections that do not identify themselves in time", .serialized)
struct HandshakeDeadlineTests {
    /// A test gangwayd with a 1 s handshake deadline and a 1.5 s keep-alive idle limit, and its port.
    static func controlPlane() async throws -> (TestControlPlane, Int) {
        let cp = try await TestControlPlane(configure: {
            $0.handshakeTimeoutSeconds = 1
            $0.httpIdleTimeoutSeconds = 1.5
        })
        return (cp, try #require(Int(cp.base.split(separator: ":").last ?? "")))
    }

    @Test("silent, half-sent, unparseable, trickled, idle and token-less connections are closed; a live session is not")
    func deadlines() async throws {
        let (cp, port) = try await Self.controlPlane()
        defer { Task { await cp.stop() } }
        let s = try await startSession(cp)   // control channel, both data channels: all past their opening frames
        try await s.clientAttached()

        // Seconds until gangwayd closed each connection; -1: still open after 5 s.
        let results = try await StalledClient.onOwnThread { () throws -> [String: Double] in
            let silent = try RawConnection(port: port)
            let halfHead = try RawConnection(port: port)
            halfHead.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
            let trickled = try RawConnection(port: port)
            trickled.send("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonSSM.DescribeSessions\r\nContent-Length: 100\r\n\r\n{")
            let badHeader = try RawConnection(port: port)   // the HTTP parser rejects it; nothing answers
            badHeader.send("GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: a\u{1B}]0;title\u{07}\r\n\r\n")
            let noToken = try RawConnection(port: port)
            noToken.send("GET /v1/data-channel/alice-0123456789abcdef0 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            guard noToken.read(until: "\r\n\r\n") else { throw TestFailure("no answer to the WebSocket upgrade") }
            let idle = try RawConnection(port: port)
            idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            guard idle.read(until: "ok\n") else { throw TestFailure("no answer to GET /healthz") }
            let connections = ["silent": silent, "halfHead": halfHead, "badHeader": badHeader, "trickled": trickled,
                               "noToken": noToken, "idle": idle]
            return connections.mapValues { $0.closedAfter(timeout: 5) ?? -1 }
        }
        for name in ["silent", "halfHead", "badHeader", "trickled", "noToken"] {
            let after = results[name] ?? -1
            #expect(after >= 0.9 && after < 3, "\(name) connection closed after \(after) s (deadline 1 s; -1: still open after 5 s)")
        }
        let idleAfter = results["idle"] ?? -1
        #expect(idleAfter >= 1.4 && idleAfter < 3.5, "idle keep-alive connection closed after \(idleAfter) s (1.5 s; -1: still open)")

        // The session's sockets are long past the deadlines and still relay both ways.
        try await s.client.sendBinary(Frames.input(Array("still here".utf8), seq: 1))
        #expect(Frames.decode(await s.agentData.next())?.payloadText == "still here")
        try await s.agentData.sendBinary(Frames.output("and back", seq: 0))
        #expect(Frames.decode(await s.client.next())?.payloadText == "and back")

        let metrics = try await cp.unsigned("/metrics", method: "GET", body: "").bodyText
        #expect(metrics.contains(#"gangway_handshake_timeouts_total{stage="request_head"} 3"#), "\(metrics)")
        #expect(metrics.contains(#"gangway_handshake_timeouts_total{stage="request"} 1"#))
        #expect(metrics.contains(#"gangway_handshake_timeouts_total{stage="opening_frame"} 1"#))
    }

    @Test("a keep-alive connection in use outlives the handshake deadline")
    func busyKeepAlive() async throws {
        let (cp, port) = try await Self.controlPlane()
        defer { Task { await cp.stop() } }
        let answered = try await StalledClient.onOwnThread { () throws -> Int in
            let busy = try RawConnection(port: port)
            var answered = 0
            for _ in 0..<5 {   // 5 requests 0.7 s apart: 2.8 s, past the 1 s handshake deadline
                busy.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                if busy.read(until: "ok\n", timeout: 2) { answered += 1 }
                Thread.sleep(forTimeInterval: 0.7)
            }
            return answered
        }
        #expect(answered == 5)
    }

    @Test("the end of a request head is found across reads, with CRLF or bare LF line ends")
    func endOfHead() {
        func ends(_ parts: [String]) -> Bool {
            var after = false
            return parts.contains { RequestHeadDeadlineHandler.endOfHead(in: ByteBuffer(string: $0), afterNewline: &after) }
        }
        #expect(ends(["GET / HTTP/1.1\r\nHost: x\r\n\r\n"]))
        #expect(ends(["GET / HTTP/1.1\r\nHost: x\r", "\n", "\r", "\n"]))
        #expect(ends(["GET / HTTP/1.1\nHost: x\n\n"]))
        #expect(!ends(["GET / HTTP/1.1\r\nHost: x\r\n"]))
        #expect(!ends(["GET / HTTP/1.1\r\nHost: x\r\n", "X: \r"]))
        #expect(!ends(["\r\r\n", "a\r\n"]))
    }
}
