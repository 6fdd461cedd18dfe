import Foundation
import SessionCore

/// The `interactive_shell` control-channel message that asks an agent to start a session (docs/CONTROL-PLANE.md).
enum InteractiveShell {
    static func message(sessionId: String, owner: String, documentName: String, parameters: [String: [String]],
                        idleMinutes: Int, maxDuration: String, now: Date) -> ClientMessage {
        let content: [String: Any] = [
            "DocumentName": documentName,
            "DocumentContent": [
                "schemaVersion": "1.0",
                "sessionType": "Standard_Stream",
                "inputs": [
                    "idleSessionTimeout": String(idleMinutes),
                    "maxSessionDuration": maxDuration,
                    "runAsEnabled": true,
                    "runAsDefaultUser": "",
                    "shellProfile": ["linux": ""],
                ] as [String: Any],
                "properties": [String: Any](),
            ] as [String: Any],
            "SessionId": sessionId,
            "Parameters": parameters,
            "RunAsUser": "",
            "SessionOwner": owner,
        ]
        let contentText = String(decoding: JSONResponse.encode(content), as: UTF8.self)
        let payload: [String: Any] = [
            "Content": contentText,
            "TaskId": sessionId,
            "Topic": "aws.ssm.sessionManager.interactive_shell",
            "SchemaVersion": 1,
        ]
        return ClientMessage.control(type: .interactiveShell, payloadJSON: JSONResponse.encode(payload),
                                     flags: 0, now: UInt64(now.timeIntervalSince1970 * 1000))
    }
}

/// `channel_closed` messages gangwayd sends to clients and agents.
enum ChannelClosedMessage {
    static func make(sessionId: String, destination: String, output: String, now: Date) -> ClientMessage {
        let ms = UInt64(now.timeIntervalSince1970 * 1000)
        let body = ChannelClosed(messageId: UUID().uuidString.lowercased(), createdDate: String(ms),
                                 destinationId: destination, sessionId: sessionId, output: output)
        return ClientMessage.control(type: .channelClosed, payloadJSON: (try? PayloadJSON.encode(body)) ?? [],
                                     flags: 0, now: ms)
    }
}
