import Foundation

/// An error answer from an AWS(-compatible) API: `{"__type": "…#Code", "message": "…"}` with an HTTP status.
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error code without any `namespace#` prefix, e.g. `TargetNotConnected`.
    public var code: String
    public var message: String
    public var status: Int

    public init(code: String, message: String, status: Int) {
        self.code = code
        self.message = message
        self.status = status
    }

    public var description: String {
        message.isEmpty ? "\(code) (HTTP \(status))" : "\(code): \(message)"
    }

    /// Parses an error body. JSON 1.1 carries the code in `__type` (maybe `com.amazonaws…#Code`);
    /// some services use `code`/`Code` or the `X-Amzn-ErrorType` header (`Code:http://…`).
    public static func parse(status: Int, body: [UInt8], headers: [(String, String)] = []) -> AWSError {
        var code: String? = nil
        var message = ""
        if !body.isEmpty, let o = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] {
            code = (o["__type"] ?? o["code"] ?? o["Code"]) as? String
            message = (o["message"] ?? o["Message"] ?? o["errorMessage"]) as? String ?? ""
        }
        if code == nil, let h = headers.first(where: { $0.0.lowercased() == "x-amzn-errortype" })?.1 {
            code = String(h.split(separator: ":").first ?? Substring(h))
        }
        if code == nil, message.isEmpty {
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            message = text
        }
        var c = code ?? Self.defaultCode(status)
        if let hash = c.lastIndex(of: "#") { c = String(c[c.index(after: hash)...]) }
        if let colon = c.firstIndex(of: ":") { c = String(c[..<colon]) }
        return AWSError(code: c, message: message, status: status)
    }

    static func defaultCode(_ status: Int) -> String {
        switch status {
        case 400: return "BadRequest"
        case 403: return "AccessDenied"
        case 404: return "NotFound"
        case 429: return "ThrottlingException"
        case 500...599: return "InternalServerError"
        default: return "HTTP\(status)"
        }
    }
}
