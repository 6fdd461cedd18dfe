import ControlPlane
import Foundation
import SessionCore
import Testing

/// A started session with a FakeAgent's data channel open and no client yet: the client's token for the test to
/// connect however it wants (a raw socket, frames sent with the opening one, …).
func startSessionWithoutClient(_ cp: TestControlPlane) async throws -> (sessionId: String, token: String, agentData: TestSocket) {
    let agent = try await FakeAgent.start(cp)
    let r = try await cp.call("StartSession", #"{"Target":"\#(agent.instanceId)"}"#)
    let sessionId = try #require(r.json["SessionId"] as? String)
    _ = await agent.nextControl(.interactiveShell)
    let agentData = try await agent.openData(sessionId)
    return (sessionId, try #require(r.json["TokenValue"] as? String), agentData)
}

/// The opening frame's text for a client redeeming `token` on a raw socket.
func clientOpenText(_ token: String) throws -> String {
    try OpenDataChannelInput.client(requestId: "q", tokenValue: token, clientId: "c").jsonText()
}

/// The texts of the input messages `socket` (an agent's data channel) receives within `seconds`, in arrival order.
func inputTexts(on socket: TestSocket, count: Int, within seconds: Double = 10) async -> [String] {
    var got: [String] = []
    let deadline = Date().addingTimeInterval(seconds)
    while got.count < count, let m = await socket.next(within: max(0.01, deadline.timeIntervalSinceNow)) {
        if let msg = Frames.decode(m), msg.messageType == .inputStreamData { got.append(msg.payloadText) }
    }
    return got
}
