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
