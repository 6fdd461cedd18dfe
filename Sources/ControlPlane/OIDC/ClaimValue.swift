import Foundation

/// One JSON value from a JWT header, claim set or JWKS: Sendable and comparable, unlike `JSONSerialization`'s `Any`.
public enum ClaimValue: Sendable, Equatable, Decodable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let d = try? c.decode(Double.self) { self = .number(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([ClaimValue].self) { self = .array(a); return }
        self = .object(try c.decode([String: ClaimValue].self))
    }

    /// Parses a JSON object (a JWT segment, a JWKS document).
    static func object(from data: Data) -> [String: ClaimValue]? {
        guard case .object(let o)? = try? JSONDecoder().decode(ClaimValue.self, from: data) else { return nil }
        return o
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var numberValue: Double? { if case .number(let d) = self { return d }; return nil }

    /// The value's strings for matching: a string, each string of an array, numbers and booleans as text.
    public var matchableStrings: [String] {
        switch self {
        case .string(let s): return [s]
        case .array(let a): return a.flatMap(\.matchableStrings)
        case .bool(let b): return [b ? "true" : "false"]
        case .number(let d): return [d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)]
        case .object, .null: return []
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return s
        case .number, .bool: return matchableStrings.first ?? ""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object: return "{…}"
        case .null: return "null"
        }
    }
}

/// base64url without padding (RFC 7515 §2), as JWTs and JWKs use it.
enum Base64URL {
    static func decode(_ text: Substring) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !s.contains("=") || text.hasSuffix("=") else { return nil }
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }

    static func decode(_ text: String) -> [UInt8]? { decode(Substring(text)) }

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
