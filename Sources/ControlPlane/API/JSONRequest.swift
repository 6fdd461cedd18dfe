import Foundation

/// A decoded JSON 1.1 request body with field accessors that produce AWS-style validation errors naming the field.
/// Unknown fields are ignored.
public struct JSONRequest: @unchecked Sendable {
    // @unchecked: `object` holds only JSONSerialization output (immutable Foundation values), never mutated.
    public let object: [String: Any]

    public init(body: [UInt8]) throws(APIError) {
        if body.isEmpty || body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            object = [:]
            return
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(body)) else {
            throw APIError.serialization("The request body is not valid JSON; send a JSON object (Content-Type: application/x-amz-json-1.1)")
        }
        guard let dict = parsed as? [String: Any] else {
            throw APIError.serialization("The request body must be a JSON object, not \(type(of: parsed))")
        }
        object = dict
    }

    public init(object: [String: Any]) { self.object = object }

    private func present(_ key: String) -> Any? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        return v
    }

    public func string(_ key: String) throws(APIError) -> String? {
        guard let v = present(key) else { return nil }
        guard let s = v as? String else { throw APIError.serialization("'\(key)' must be a string") }
        return s
    }

    public func requiredString(_ key: String) throws(APIError) -> String {
        guard let s = try string(key) else { throw APIError.missing(key) }
        guard !s.isEmpty else {
            throw APIError.validation("1 validation error detected: Value '' at '\(key)' failed to satisfy constraint: Member must have length greater than or equal to 1")
        }
        return s
    }

    public func int(_ key: String) throws(APIError) -> Int? {
        guard let v = present(key) else { return nil }
        // JSON true/false parse as boolean NSNumbers (objCType "c"). Not `v is Bool`: on Linux every NSNumber holding 0
        // or 1 casts to Bool, so `"MaxResults": 1` (what `aws … --max-results 1` sends) was refused.
        guard let n = v as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue == n.doubleValue.rounded() else {
            throw APIError.serialization("'\(key)' must be an integer")
        }
        return n.intValue
    }

    public func array(_ key: String) throws(APIError) -> [Any]? {
        guard let v = present(key) else { return nil }
        guard let a = v as? [Any] else { throw APIError.serialization("'\(key)' must be a list") }
        return a
    }

    public func dictionary(_ key: String) throws(APIError) -> [String: Any]? {
        guard let v = present(key) else { return nil }
        guard let d = v as? [String: Any] else { throw APIError.serialization("'\(key)' must be an object") }
        return d
    }

    /// `[{"Key":…,"Values":[…]}]`-style filter lists; `keyName`/`valuesName` say the member names.
    public func filters(_ key: String, keyName: String, valuesName: String) throws(APIError) -> [(String, [String])]? {
        guard let list = try array(key) else { return nil }
        var out: [(String, [String])] = []
        for (i, item) in list.enumerated() {
            guard let d = item as? [String: Any] else { throw APIError.serialization("'\(key)[\(i)]' must be an object") }
            guard let k = d[keyName] as? String else { throw APIError.missing("\(key).\(i + 1).member.\(keyName)") }
            if let vs = d[valuesName] as? [Any] {
                out.append((k, vs.compactMap { $0 as? String }))
            } else if let v = d[valuesName] as? String {
                out.append((k, [v]))
            } else {
                throw APIError.missing("\(key).\(i + 1).member.\(valuesName)")
            }
        }
        return out
    }

    /// Body bytes for the audit log: the request with token-like fields removed.
    public func auditJSON() -> Data? {
        var o = object
        for k in ["TokenValue", "RegistrationToken", "SecretAccessKey"] where o[k] != nil { o[k] = "***" }
        return try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
    }
}

/// JSON response helpers: dates are epoch seconds (JSON 1.1).
public enum JSONResponse {
    public static func encode(_ object: [String: Any]) -> [UInt8] {
        [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
    }

    public static func epoch(_ date: Date) -> Double { (date.timeIntervalSince1970 * 1000).rounded() / 1000 }
}

/// Offset-based NextToken (opaque base64 to the caller).
public enum PageToken {
    public static func encode(offset: Int) -> String { Data("o:\(offset)".utf8).base64EncodedString() }
    public static func decode(_ token: String?) throws(APIError) -> Int {
        guard let token else { return 0 }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              text.hasPrefix("o:"), let n = Int(text.dropFirst(2)), n >= 0 else {
            throw APIError(400, "InvalidNextToken", "The NextToken is not valid; pass the NextToken value of the previous response unchanged")
        }
        return n
    }
}
