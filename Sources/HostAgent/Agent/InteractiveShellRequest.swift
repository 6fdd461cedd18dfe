import Foundation
import SessionCore

/// The parts of an `interactive_shell` control message the agent uses.
public struct InteractiveShellRequest: Sendable, Equatable {
    public var sessionId: String
    public var runAsUser: String
    public var sessionOwner: String
    public var cols: UInt16?
    public var rows: UInt16?

    /// Parses `{"Content":"<JSON>","TaskId",…}`; nil if it is not a usable request.
    public static func parse(_ payload: [UInt8]) -> InteractiveShellRequest? {
        guard let outer = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { return nil }
        var content: [String: Any] = [:]
        if let text = outer["Content"] as? String,
           let inner = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            content = inner
        }
        guard let sessionId = (content["SessionId"] as? String) ?? (outer["TaskId"] as? String), !sessionId.isEmpty,
              sessionId.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." || $0 == "@" }) else {
            return nil
        }
        func dimension(_ key: String) -> UInt16? {
            guard let n = content[key] as? NSNumber, n.intValue > 0, n.intValue <= Int(UInt16.max) else { return nil }
            return UInt16(n.intValue)
        }
        return InteractiveShellRequest(sessionId: sessionId, runAsUser: content["RunAsUser"] as? String ?? "",
                                       sessionOwner: content["SessionOwner"] as? String ?? "",
                                       cols: dimension("Cols"), rows: dimension("Rows"))
    }
}
