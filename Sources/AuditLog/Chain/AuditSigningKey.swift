import Crypto
import Foundation

/// gangwayd's Ed25519 checkpoint key: created once, kept in a 0600 file, public half exportable as PEM or hex.
public enum AuditSigningKey {
    public struct KeyError: Error, CustomStringConvertible {
        public var description: String
    }

    /// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 key bytes follow.
    static let spkiPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Loads the private key from `file` (hex of the 32-byte seed), creating it with mode 0600 if missing.
    public static func loadOrCreate(at file: URL) throws -> Curve25519.Signing.PrivateKey {
        if let text = try? String(contentsOf: file, encoding: .utf8) {
            let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let raw = AuditHex.decode(hex), raw.count == 32,
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
                throw KeyError(description: "audit signing key \(file.path) is damaged (expected 64 hex characters); "
                               + "restore it from backup — a new key would not match earlier checkpoints")
            }
            return key
        }
        let key = Curve25519.Signing.PrivateKey()
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let tmp = file.appendingPathExtension("tmp")
        guard FileManager.default.createFile(atPath: tmp.path, contents: Data((AuditHex.encode(key.rawRepresentation) + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw KeyError(description: "cannot create audit signing key \(tmp.path): check the data dir's permissions")
        }
        guard rename(tmp.path, file.path) == 0 else {
            throw KeyError(description: "cannot move \(tmp.path) into place: \(String(cString: strerror(errno)))")
        }
        return key
    }

    /// PEM (`-----BEGIN PUBLIC KEY-----`), readable by `openssl pkey -pubin`.
    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        let der = Data(spkiPrefix + Array(key.rawRepresentation))
        return "-----BEGIN PUBLIC KEY-----\n\(der.base64EncodedString())\n-----END PUBLIC KEY-----\n"
    }

    public static func hex(_ key: Curve25519.Signing.PublicKey) -> String { AuditHex.encode(key.rawRepresentation) }

    /// A short id of a public key (first 16 hex of its SHA-256), written into each checkpoint.
    public static func keyId(_ key: Curve25519.Signing.PublicKey) -> String {
        String(AuditHex.encode(SHA256.hash(data: key.rawRepresentation)).prefix(16))
    }

    /// Parses a public key given as PEM or as 64 hex characters.
    public static func parsePublicKey(_ text: String) throws -> Curve25519.Signing.PublicKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var raw: [UInt8]?
        if trimmed.hasPrefix("-----BEGIN PUBLIC KEY-----") {
            let body = trimmed.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            if let der = Data(base64Encoded: body), der.count == 44, Array(der.prefix(12)) == spkiPrefix {
                raw = Array(der.suffix(32))
            }
        } else if let bytes = AuditHex.decode(trimmed), bytes.count == 32 {
            raw = bytes
        }
        guard let raw, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw KeyError(description: "not an Ed25519 public key (expected a PEM SubjectPublicKeyInfo or 64 hex characters)")
        }
        return key
    }
}
