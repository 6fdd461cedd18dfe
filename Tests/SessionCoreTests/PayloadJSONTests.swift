import Foundation
import SessionCore
import Testing

/// Payload JSON uses the reference's exact field names (ssm-protocol.md §2, §5, §12).
@Suite struct PayloadJSONTests {
    func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func acknowledgeFastPathAndFallbackAgree() throws {
        let content = AcknowledgeContent(acknowledgedMessageType: "output_stream_data",
                                         acknowledgedMessageId: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                                         acknowledgedMessageSequenceNumber: 42)
        let bytes = content.jsonBytes()
        #expect(try PayloadJSON.decode(AcknowledgeContent.self, from: bytes) == content)
        #expect(AcknowledgeContent.parse(bytes) == content)
        // Go's encoder output with spaces / other order still parses (via the fallback).
        let spaced = #"{ "IsSequentialMessage": true, "AcknowledgedMessageSequenceNumber": 42, "AcknowledgedMessageId": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "AcknowledgedMessageType": "output_stream_data" }"#
        #expect(AcknowledgeContent.parse(Array(spaced.utf8)) == content)
        #expect(AcknowledgeContent.parse(Array("{}".utf8)) == nil)
        // Text that must be escaped (never sent by a peer, but the JSON must stay valid) round-trips.
        let odd = AcknowledgeContent(acknowledgedMessageType: "a\"b\\c\u{1}é", acknowledgedMessageId: "x",
                                     acknowledgedMessageSequenceNumber: -1, isSequentialMessage: false)
        #expect(try PayloadJSON.decode(AcknowledgeContent.self, from: odd.jsonBytes()) == odd)
        #expect(AcknowledgeContent.parse(odd.jsonBytes()) == odd)
        #expect(AcknowledgeContent.parse(Array(#"{"AcknowledgedMessageType":"a","AcknowledgedMessageId":"b","AcknowledgedMessageSequenceNumber":99999999999999999999,"IsSequentialMessage":true}"#.utf8)) == nil)
    }

    /// The data path's reading of an ack (type and sequence number, no Strings) agrees with the full parse for the
    /// exact shape, Go's spaced and reordered output, unknown types and escaped text; junk is no reference.
    @Test func acknowledgementReferenceAgreesWithTheFullParse() throws {
        let exact = AcknowledgeContent(acknowledgedMessageType: "output_stream_data",
                                       acknowledgedMessageId: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                                       acknowledgedMessageSequenceNumber: 7_000_000_001)
        #expect(AcknowledgeContent.reference(in: exact.jsonBytes())
                == .init(messageType: .outputStreamData, sequenceNumber: 7_000_000_001))
        let input = AcknowledgeContent(acknowledgedMessageType: "input_stream_data", acknowledgedMessageId: "x",
                                       acknowledgedMessageSequenceNumber: 0)
        #expect(AcknowledgeContent.reference(in: input.jsonBytes()) == .init(messageType: .inputStreamData, sequenceNumber: 0))
        let spaced = #"{ "IsSequentialMessage": true, "AcknowledgedMessageSequenceNumber": 42, "AcknowledgedMessageId": "i", "AcknowledgedMessageType": "output_stream_data" }"#
        #expect(AcknowledgeContent.reference(in: Array(spaced.utf8)) == .init(messageType: .outputStreamData, sequenceNumber: 42))
        // A type this build does not know (or one that only starts like a known one) is named by no MessageType.
        for name in ["output_stream_datax", "output_stream_dat", "a\"b"] {
            let other = AcknowledgeContent(acknowledgedMessageType: name, acknowledgedMessageId: "x",
                                           acknowledgedMessageSequenceNumber: -3)
            #expect(AcknowledgeContent.reference(in: other.jsonBytes()) == .init(messageType: nil, sequenceNumber: -3))
        }
        for junk in ["", "{}", "null", #"{"AcknowledgedMessageType":"output_stream_data""#] {
            #expect(AcknowledgeContent.reference(in: Array(junk.utf8)) == nil)
        }
    }

    /// An acknowledgement names its message by the id's lowercase hyphenated text, as the reference agent does; the
    /// hand formatter must give exactly Foundation's text for every id (random, all-zero, all-ones).
    @Test func acknowledgementNamesTheMessageIdInLowercaseText() throws {
        var ids = (0..<200).map { _ in MessageID.random() } + (0..<50).map { _ in UUID() }
        ids.append(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        ids.append(UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)))
        for id in ids { #expect(MessageID.lowercasedText(id) == id.uuidString.lowercased()) }
        let message = ClientMessage(messageType: .outputStreamData, createdDate: 1, sequenceNumber: 7, payloadType: .output,
                                    payload: [0x61])
        let ack = ClientMessage.acknowledging(message, now: 2)
        let json = try object(ack.payload)
        #expect(json["AcknowledgedMessageId"] as? String == message.messageId.uuidString.lowercased())
        #expect(json["AcknowledgedMessageSequenceNumber"] as? Int == 7)
        #expect(json["AcknowledgedMessageType"] as? String == "output_stream_data")
        #expect(json["IsSequentialMessage"] as? Bool == true)
    }

    @Test func openDataChannelInputOmitsTheOtherSidesField() throws {
        let client = try object(PayloadJSON.encode(OpenDataChannelInput.client(requestId: "r", tokenValue: "t", clientId: "c")))
        #expect(Set(client.keys) == ["MessageSchemaVersion", "RequestId", "TokenValue", "ClientId", "ClientVersion"])
        #expect(client["MessageSchemaVersion"] as? String == "1.0")
        let agent = try object(PayloadJSON.encode(OpenDataChannelInput.agent(requestId: "r", tokenValue: "t", clientId: "c", instanceId: "i-1")))
        #expect(Set(agent.keys) == ["MessageSchemaVersion", "RequestId", "TokenValue", "ClientId", "ClientInstanceId"])
    }

    @Test func channelClosedAndSessionStateFieldNames() throws {
        let closed = try object(PayloadJSON.encode(ChannelClosed(messageId: "m", createdDate: "1", destinationId: "d",
                                                                 sessionId: "s", output: "bye")))
        #expect(Set(closed.keys) == ["MessageId", "CreatedDate", "DestinationId", "SessionId", "MessageType", "SchemaVersion", "Output"])
        #expect(closed["MessageType"] as? String == "channel_closed")
        let lenient = try PayloadJSON.decode(ChannelClosed.self, from: Array(#"{"SessionId":"s"}"#.utf8))
        #expect(lenient.sessionId == "s" && lenient.output == "")
        let state = try object(PayloadJSON.encode(AgentSessionState(sessionState: AgentSessionState.connected, sessionId: "s")))
        #expect(Set(state.keys) == ["SchemaVersion", "SessionState", "SessionId"])
        let message = try ClientMessage.control(type: .agentSessionState,
                                                payload: AgentSessionState(sessionState: "Terminating", sessionId: "s"), now: 5)
        #expect(message.flags == 3 && message.sequenceNumber == 0)
        #expect(try message.decodePayload(AgentSessionState.self).sessionState == "Terminating")
    }

    @Test func sizeDataIsLowercase() throws {
        #expect(String(decoding: SizeData(cols: 120, rows: 40).jsonBytes(), as: UTF8.self) == #"{"cols":120,"rows":40}"#)
        #expect(try PayloadJSON.decode(SizeData.self, from: SizeData(cols: 1, rows: 2).jsonBytes()) == SizeData(cols: 1, rows: 2))
    }

    @Test func handshakeRoundTripAndNulls() throws {
        let request = HandshakeRequest(agentVersion: "3.3.0.0", requestedClientActions: [
            .sessionType("Port", properties: .object(["portNumber": .string("22")])),
            .kmsEncryption(keyId: "k", challengeBase64: "AAAA"),
        ])
        let bytes = try PayloadJSON.encode(request)
        let back = try PayloadJSON.decode(HandshakeRequest.self, from: bytes)
        #expect(back == request)
        #expect(back.requestedClientActions.first?.sessionType == "Port")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""ActionType":"SessionType""#) && text.contains(#""AgentVersion":"3.3.0.0""#))

        let response = HandshakeResponse(clientVersion: "1.2.650.0", processedClientActions: [
            ProcessedClientAction(actionType: "SessionType", actionStatus: ProcessedClientAction.success)])
        let responseText = String(decoding: try PayloadJSON.encode(response), as: UTF8.self)
        #expect(responseText.contains(#""ActionResult":null"#))
        #expect(responseText.contains(#""Errors":null"#))
        #expect(try PayloadJSON.decode(HandshakeResponse.self, from: Array(responseText.utf8)) == response)

        let complete = try object(PayloadJSON.encode(HandshakeComplete(handshakeTimeToComplete: 1_500_000, customerMessage: "hi")))
        #expect(complete["HandshakeTimeToComplete"] as? Int == 1_500_000)
        #expect(try object(PayloadJSON.encode(EncChallenge(challenge: "Zm9v")))["Challenge"] as? String == "Zm9v")
    }
}
