import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// The client half of the WebSocket opening handshake (RFC 6455 §4.1–4.2) for NIO's HTTP upgrade handler. Unlike
/// NIO's own client upgrader it adds no frame decoder or encoder: `upgraded` installs the data channel's handler,
/// which reads frames itself (`WebSocketFrameReader`) and writes them encoded.
struct WebSocketClientUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPClientProtocolUpgrader {
    let supportedProtocol = "websocket"
    let requiredUpgradeHeaders: [String] = []
    /// The Sec-WebSocket-Key: 16 random bytes, base64.
    let requestKey: String
    let upgraded: @Sendable (any Channel) -> EventLoopFuture<UpgradeResult>

    init(upgraded: @escaping @Sendable (any Channel) -> EventLoopFuture<UpgradeResult>) {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        requestKey = Data(nonce).base64EncodedString()
        self.upgraded = upgraded
    }

    /// The Sec-WebSocket-Accept a server must answer `key` with.
    static func acceptValue(for key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        upgradeRequestHeaders.add(name: "Sec-WebSocket-Key", value: requestKey)
        upgradeRequestHeaders.add(name: "Sec-WebSocket-Version", value: "13")
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        let accept = upgradeResponse.headers["Sec-WebSocket-Accept"]
        return accept.count == 1 && accept[0] == Self.acceptValue(for: requestKey)
    }

    func upgrade(channel: any Channel, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<UpgradeResult> {
        upgraded(channel)
    }
}
