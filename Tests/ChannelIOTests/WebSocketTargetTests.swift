@testable import ChannelIO
import Foundation
import Logging
import Testing

/// Where a StreamUrl points: what the data channel connects to and sends in its upgrade request.
@Suite("Data channel WebSocket URLs")
struct WebSocketTargetTests {
    @Test("scheme, host, port, Host header and request line for the URLs gangwayd and AWS hand out")
    func targets() throws {
        let aws = try #require(ChannelWebSocket.Target(URL(string: "wss://ssmmessages.eu-west-3.amazonaws.com/v1/data-channel/alice-0123?role=publish_subscribe&cell-number=AAE")!))
        #expect(aws.secure && aws.port == 443 && aws.host == "ssmmessages.eu-west-3.amazonaws.com")
        #expect(aws.hostHeader == "ssmmessages.eu-west-3.amazonaws.com")
        #expect(aws.requestURI == "/v1/data-channel/alice-0123?role=publish_subscribe&cell-number=AAE")
        #expect(!aws.isIPAddress)

        let local = try #require(ChannelWebSocket.Target(URL(string: "ws://127.0.0.1:8080/v1/data-channel/s")!))
        #expect(!local.secure && local.port == 8080 && local.hostHeader == "127.0.0.1:8080" && local.isIPAddress)

        let v6 = try #require(ChannelWebSocket.Target(URL(string: "wss://[::1]:8443/x")!))
        #expect(v6.host == "::1" && v6.port == 8443 && v6.hostHeader == "[::1]:8443" && v6.isIPAddress)

        let plain = try #require(ChannelWebSocket.Target(URL(string: "http://gangway.internal")!))
        #expect(plain.port == 80 && plain.requestURI == "/" && plain.hostHeader == "gangway.internal")
    }

    @Test("URLs that cannot be a data channel are refused before any connection")
    func refused() async {
        #expect(ChannelWebSocket.Target(URL(string: "ftp://host/x")!) == nil)
        #expect(ChannelWebSocket.Target(URL(string: "/relative/path")!) == nil)
        let channel = DataChannelConnection(url: URL(string: "ftp://host/x")!, openingFrame: "{}", role: .client,
                                            logger: .init(label: "test"))
        await #expect(throws: DataChannelError.self) { try await channel.connect() }
    }
}
