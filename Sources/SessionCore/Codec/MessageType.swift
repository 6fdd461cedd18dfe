#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `MessageType` header field of a ClientMessage (docs/PROTOCOL.md §Message types).
/// Open: any string decodes; these statics are the ones Gangway knows. On the wire it is ASCII in 32 bytes,
/// right-padded with spaces.
public struct MessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // Data channel.
    /// Client → agent stream data (sequenced, acked).
    public static let inputStreamData = MessageType("input_stream_data")
    /// Agent → client stream data (sequenced, acked).
    public static let outputStreamData = MessageType("output_stream_data")
    public static let acknowledge = MessageType("acknowledge")
    public static let channelClosed = MessageType("channel_closed")
    /// From the service (MGS). Frames of these two types may carry a wrong digest and length; never verified.
    public static let startPublication = MessageType("start_publication")
    public static let pausePublication = MessageType("pause_publication")
    public static let agentSessionState = MessageType("agent_session_state")

    // Control channel.
    public static let interactiveShell = MessageType("interactive_shell")
    public static let agentTaskReply = MessageType("agent_task_reply")
    public static let agentTaskComplete = MessageType("agent_task_complete")
    public static let agentTaskAcknowledge = MessageType("agent_task_acknowledge")
    public static let agentJob = MessageType("agent_job")
    public static let agentJobAck = MessageType("agent_job_ack")
    public static let agentJobReply = MessageType("agent_job_reply")
    public static let agentJobReplyAck = MessageType("agent_job_reply_ack")

    // Gangway extensions (never sent to AWS peers).
    /// Agent → gangwayd on the control channel, unsequenced, payload `{"InstanceId":…}`.
    public static let agentHeartbeat = MessageType("agent_heartbeat")
    /// Agent → gangwayd on the data channel, unsequenced, payload `{"Echo":true|false}`.
    public static let gangwayEchoState = MessageType("gangway_echo_state")
    /// gangwayd → agent on the data channel, unsequenced, payload UTF-8 text the agent writes into the session's
    /// output (so it reaches the user's terminal in order): "gangway: access to HOST ends in 60 s: …".
    public static let gangwayNotice = MessageType("gangway_notice")

    /// Every type above, for `known(_:)`: the data channel's most frequent first.
    public static let all: [MessageType] = [
        .outputStreamData, .acknowledge, .inputStreamData, .channelClosed, .startPublication, .pausePublication,
        .agentSessionState, .interactiveShell, .agentTaskReply, .agentTaskComplete, .agentTaskAcknowledge, .agentJob,
        .agentJobAck, .agentJobReply, .agentJobReplyAck, .agentHeartbeat, .gangwayEchoState, .gangwayNotice,
    ]

    /// The known type whose name is exactly `bytes` (nil: not one of them).
    public static func known(_ bytes: UnsafeRawBufferPointer) -> MessageType? {
        for type in all where type.rawValue.utf8.count == bytes.count {
            if type.rawValue.utf8.elementsEqual(bytes) { return type }
        }
        return nil
    }

    /// Equal names. The lengths first: most comparisons on the data path are between two different known types
    /// (is this frame an acknowledge? stream data?), which then differ in length and skip String's full compare
    /// (about 1 % of gangwayd's time per relayed frame, seen in profiles). `utf8.count` is stored for native strings.
    public static func == (lhs: MessageType, rhs: MessageType) -> Bool {
        lhs.rawValue.utf8.count == rhs.rawValue.utf8.count && lhs.rawValue == rhs.rawValue
    }

    /// True for the two sequenced, acked stream types.
    public var isStreamData: Bool { self == .inputStreamData || self == .outputStreamData }
    /// True for the service's publication messages, whose digest and length are not trustworthy.
    public var isPublication: Bool { self == .startPublication || self == .pausePublication }
}
