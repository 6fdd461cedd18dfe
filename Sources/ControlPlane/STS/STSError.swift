import Foundation

/// An STS error as the AWS Query protocol returns it: HTTP status and
/// `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>`.
public struct STSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    /// `Sender` (the caller's fault) or `Receiver` (ours).
    public var type: String

    public init(_ status: Int, _ code: String, _ message: String, type: String = "Sender") {
        self.status = status
        self.code = code
        self.message = message
        self.type = type
    }

    public var description: String { "\(code): \(message)" }

    public static func validation(_ message: String) -> STSError { STSError(400, "ValidationError", message) }
    public static func missing(_ member: String) -> STSError {
        validation("1 validation error detected: Value null at '\(member)' failed to satisfy constraint: Member must not be null")
    }
    public static func invalidToken(_ message: String) -> STSError { STSError(400, "InvalidIdentityToken", message) }
    public static func expiredToken(_ message: String) -> STSError { STSError(400, "ExpiredTokenException", message) }
    public static func accessDenied(_ message: String) -> STSError { STSError(403, "AccessDenied", message) }
    public static func idpUnreachable(_ message: String) -> STSError { STSError(400, "IDPCommunicationError", message) }
    public static func internalError(_ message: String) -> STSError {
        STSError(500, "InternalFailure", message, type: "Receiver")
    }

    /// The STS code for a refused ID token.
    static func token(_ e: OIDCValidationError) -> STSError {
        switch e.kind {
        case .expired: return .expiredToken(e.message)
        case .keysUnavailable: return .idpUnreachable(e.message)
        default: return .invalidToken(e.message)
        }
    }
}

/// XML bodies of the Query protocol (namespace `https://sts.amazonaws.com/doc/2011-06-15/`).
enum STSXML {
    static let namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 cannot carry most control characters, even escaped.
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { out += "?" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    static func element(_ name: String, _ value: String) -> String { "<\(name)>\(escape(value))</\(name)>" }

    static func error(_ e: STSError, requestId: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <ErrorResponse xmlns="\(namespace)">
          <Error>
            \(element("Type", e.type))
            \(element("Code", e.code))
            \(element("Message", e.message))
          </Error>
          \(element("RequestId", requestId))
        </ErrorResponse>

        """
    }
}
