import Foundation

/// A `--ca-file` checked when the program starts, so a mistyped path or the wrong file is said at once rather than
/// as a TLS failure later (or, for the agent, in its log every few seconds for ever).
public enum CAFileCheck {
    /// Throws a message naming `option` and `path` when the file cannot be read or holds no PEM certificate.
    public static func validate(_ path: String, option: String = "--ca-file") throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw CAFileError(message: "cannot read \(option) \(path): \(reason)")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8 << 20)) ?? Data()
        guard String(decoding: head, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw CAFileError(message: "\(option) \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
    }
}

public struct CAFileError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
