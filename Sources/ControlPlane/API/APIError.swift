import Foundation

/// An AWS-shaped error: HTTP status plus the JSON body `{"__type": code, "message": message}`.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String

    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public var jsonBody: [UInt8] {
        let object: [String: String] = ["__type": code, "message": message]
        return [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    public static func validation(_ message: String) -> APIError { APIError(400, "ValidationException", message) }
    /// The AWS wording for a missing required member.
    public static func missing(_ field: String) -> APIError {
        validation("1 validation error detected: Value null at '\(field)' failed to satisfy constraint: Member must not be null")
    }
    public static func serialization(_ message: String) -> APIError { APIError(400, "SerializationException", message) }
    public static func unknownOperation(_ target: String) -> APIError {
        APIError(400, "UnknownOperationException", "Unknown operation \(target); gangwayd serves AmazonSSM.DescribeInstanceInformation, StartSession, ResumeSession, TerminateSession, DescribeSessions, GetConnectionStatus, UpdateInstanceInformation, GetSessionRecording (Gangway extension)")
    }
    public static func accessDenied(_ message: String) -> APIError { APIError(400, "AccessDeniedException", message) }
    public static func doesNotExist(_ message: String) -> APIError { APIError(400, "DoesNotExistException", message) }
    public static func internalError(_ message: String) -> APIError { APIError(500, "InternalServerError", message) }
}
