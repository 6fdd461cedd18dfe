import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Request context: WebSocket upgrade support plus the peer address (for audit).
struct GangwayRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<GangwayRequestContext>
    let remoteAddress: SocketAddress?
    /// The connection, so the data channel can cut off a client that stopped reading.
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// API bodies are small; 1 MiB is far above any legal request.
    var maxUploadSize: Int { 1 << 20 }

    var sourceIP: String? { remoteAddress?.ipAddress }
}

/// Response helpers.
enum Responses {
    static func json(_ status: Int, _ bytes: [UInt8], requestId: String) -> Response {
        Response(status: HTTPResponse.Status(code: status),
                 headers: [.contentType: "application/x-amz-json-1.1", HTTPField.Name("x-amzn-RequestId")!: requestId],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func error(_ e: APIError, requestId: String) -> Response {
        var r = json(e.status, e.jsonBody, requestId: requestId)
        r.headers[HTTPField.Name("x-amzn-ErrorType")!] = e.code
        return r
    }

    static func xml(_ status: Int, _ text: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/xml"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func text(_ status: Int, _ text: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The 201 body agents parse with an XML decoder (root element name ignored).
    static func channelToken(root: String, token: String) -> Response {
        xml(201, "<\(root)><MessageSchemaVersion>1.0</MessageSchemaVersion><TokenValue>\(token)</TokenValue></\(root)>")
    }
}
