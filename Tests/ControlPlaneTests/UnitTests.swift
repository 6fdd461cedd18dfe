import Foundation
import Testing
@testable import ControlPlane

@Suite("ControlPlane pure parts")
struct UnitTests {
    @Test("channel tokens are single-use and expire")
    func tokens() {
        var book = ChannelTokenBook()
        let t0 = Date(timeIntervalSince1970: 1000)
        book.issue("tok", grant: .clientDataChannel(sessionId: "s"), now: t0, ttl: 60)
        #expect(book.redeem("tok", now: t0.addingTimeInterval(59)) == .granted(.clientDataChannel(sessionId: "s")))
        #expect(book.redeem("tok", now: t0.addingTimeInterval(59)) == .rejected)
        book.issue("late", grant: .clientDataChannel(sessionId: "s"), now: t0, ttl: 60)
        #expect(book.redeem("late", now: t0.addingTimeInterval(60)) == .rejected)
        book.issue("gone", grant: .clientDataChannel(sessionId: "s"), now: t0, ttl: 60)
        book.revoke(sessionId: "s")
        #expect(book.redeem("gone", now: t0) == .rejected)
    }

    @Test("the recording sequencer emits each sequence number once, in order")
    func sequencer() {
        var s = RecordingSequencer<String>(maxAhead: 2)
        func received(seq: Int64, _ item: String) -> [String] {
            var out: [String] = []
            s.received(seq: seq, item) { out.append($0) }
            return out
        }
        #expect(received(seq: 1, "b") == [])
        #expect(received(seq: 0, "a") == ["a", "b"])
        #expect(received(seq: 0, "a") == [])
        #expect(received(seq: 3, "d") == [])
        #expect(received(seq: 4, "e") == [])
        #expect(received(seq: 5, "f") == [])     // beyond maxAhead: dropped, will be resent
        #expect(received(seq: 2, "c") == ["c", "d", "e"])
        #expect(received(seq: 5, "f") == ["f"])
    }

    @Test("config file: key = value lines, sections, comments, quotes; unknown keys are named")
    func configFile() throws {
        let file = try ConfigFile(text: """
            # gangwayd
            [server]
            listen = "127.0.0.1:9443"   # comment
            idle_timeout = 15
            connection_lost_after = 3
            public_url = 'https://gw.example.com'
            agent_join_timeout = 45
            handshake_timeout = 10
            http_idle_timeout = 120
            """)
        var c = ControlPlaneConfig(dataDir: URL(fileURLWithPath: "/tmp/x"))
        try file.apply(to: &c)
        #expect(c.host == "127.0.0.1" && c.port == 9443)
        #expect(c.idleTimeoutMinutes == 15 && c.connectionLostAfter == 3)
        #expect(c.publicURL == "https://gw.example.com")
        #expect(c.agentJoinTimeoutSeconds == 45)
        #expect(c.handshakeTimeoutSeconds == 10 && c.httpIdleTimeoutSeconds == 120)
        #expect(throws: ControlPlaneConfigError.self) { try ConfigFile(text: "colour = blue").apply(to: &c) }
        #expect(throws: ControlPlaneConfigError.self) { try ConfigFile(text: "just words") }
        // An unterminated string is an error, not a value with a quote in it; so is a key set twice.
        #expect(throws: ControlPlaneConfigError.self) { try ConfigFile(text: "listen = \"127.0.0.1:0") }
        #expect(throws: ControlPlaneConfigError.self) { try ConfigFile(text: "public_url = '") }
        #expect(throws: ControlPlaneConfigError.self) { try ConfigFile(text: "idle_timeout = 5\nidle_timeout = 6") }
        #expect(try ConfigFile(text: "idle_timeout = 5\n[s3]\nidle_timeout = 6")["s3.idle_timeout"] == "6")
        c.idleTimeoutMinutes = 61
        #expect(throws: ControlPlaneConfigError.self) { try c.validate() }
        c.idleTimeoutMinutes = 20
        c.agentJoinTimeoutSeconds = 0
        #expect(throws: ControlPlaneConfigError.self) { try c.validate() }
        c.agentJoinTimeoutSeconds = 30
        c.handshakeTimeoutSeconds = 0
        #expect(throws: ControlPlaneConfigError.self) { try c.validate() }
        c.handshakeTimeoutSeconds = 30
        c.httpIdleTimeoutSeconds = -1
        #expect(throws: ControlPlaneConfigError.self) { try c.validate() }
        c.httpIdleTimeoutSeconds = 60
        try c.validate()
    }

    @Test("instance filters: tag:<k>, tag-key, PingStatus; bad keys are InvalidFilterKey")
    func filters() throws {
        let a = AgentRecord(instanceId: "mi-1", labels: ["eks:cluster-name": "prod"], registeredAt: Date())
        let v = InstanceView(agent: a, online: true, lastPing: nil)
        #expect(try InstanceFilter.make(key: "tag:eks:cluster-name", values: ["prod"], legacy: false).matches(v))
        #expect(try !InstanceFilter.make(key: "tag:eks:cluster-name", values: ["dev"], legacy: false).matches(v))
        #expect(try InstanceFilter.make(key: "tag-key", values: ["eks:cluster-name"], legacy: false).matches(v))
        #expect(try InstanceFilter.make(key: "PingStatus", values: ["Online"], legacy: true).matches(v))
        #expect(throws: APIError.self) { try InstanceFilter.make(key: "tag:x", values: ["y"], legacy: true) }
    }
}
