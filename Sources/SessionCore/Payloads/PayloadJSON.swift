#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// JSON encoding of payload structs: compact, keys sorted (deterministic output), `/` unescaped (as Go writes it).
/// Field order carries no meaning to any peer (Go's decoder matches by name).
public enum PayloadJSON {
    public static func encode<P: Encodable>(_ value: P) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    public static func decode<P: Decodable>(_ type: P.Type, from bytes: [UInt8]) throws -> P {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
