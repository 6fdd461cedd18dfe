import AWSCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stores temporary credentials as a profile of the AWS shared credentials file (`~/.aws/credentials` or
/// AWS_SHARED_CREDENTIALS_FILE), the way `aws configure set` would: only that profile's credential keys change;
/// other profiles, other keys and comments stay as they were. Written atomically (temporary file in the same
/// folder, fsync, rename) with mode 0600, so a crash or Ctrl-C leaves either the old or the new file.
public enum CredentialsFileWriter {
    /// Keys this writer owns in the profile's section (older values are replaced, never duplicated).
    static let managedKeys: Set<String> = [
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token", "x_security_token_expires",
    ]

    /// The new file text (pure): `text` with `profile`'s credential keys set to `credentials` and `expiration`
    /// (as `x_security_token_expires`, which botocore ignores and gangway shows).
    public static func updated(_ text: String, profile: String, credentials: AWSCredentials, expiration: Date?) -> String {
        var newKeys = [
            "aws_access_key_id = \(credentials.accessKeyId)",
            "aws_secret_access_key = \(credentials.secretAccessKey)",
        ]
        if let token = credentials.sessionToken { newKeys.append("aws_session_token = \(token)") }
        if let expiration { newKeys.append("x_security_token_expires = \(timestamp(expiration))") }

        var lines = text.isEmpty ? [] : text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var out: [String] = []
        var inProfile = false
        var inserted = false
        var insertAt: Int? = nil  // after the last non-blank line of the first matching section
        for line in lines {
            let bare = line.hasSuffix("\r") ? String(line.dropLast()) : line
            let trimmed = bare.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                if inProfile, !inserted, let at = insertAt { out.insert(contentsOf: newKeys, at: at); inserted = true }
                inProfile = trimmed.dropFirst().dropLast().trimmingCharacters(in: .whitespaces) == profile
                out.append(line)
                if inProfile, !inserted { insertAt = out.count }
                continue
            }
            if inProfile, let eq = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }),
               !trimmed.hasPrefix("#"), !trimmed.hasPrefix(";"),
               managedKeys.contains(trimmed[..<eq].trimmingCharacters(in: .whitespaces)),
               bare.first != " ", bare.first != "\t" {
                continue  // an old credential key: replaced
            }
            out.append(line)
            if inProfile, !inserted, !trimmed.isEmpty { insertAt = out.count }
        }
        if inProfile, !inserted, let at = insertAt { out.insert(contentsOf: newKeys, at: at); inserted = true }
        if !inserted {
            if let last = out.last, !last.trimmingCharacters(in: .whitespaces).isEmpty { out.append("") }
            out.append("[\(profile)]")
            out += newKeys
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Updates the file at `path` (created with its folder when missing). Throws `LoginError`.
    public static func write(path: String, profile: String, credentials: AWSCredentials, expiration: Date?) throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let folder = (target as NSString).deletingLastPathComponent
        let fm = FileManager.default
        if !fm.fileExists(atPath: folder) {
            do {
                try fm.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw LoginError("cannot create \(folder) for the credentials file: \(error.localizedDescription)")
            }
        }
        var old = ""
        if fm.fileExists(atPath: target) {
            guard let data = fm.contents(atPath: target) else {
                throw LoginError("cannot read \(target): check its permissions (credentials were not saved)")
            }
            old = String(decoding: data, as: UTF8.self)
        }
        let text = updated(old, profile: profile, credentials: credentials, expiration: expiration)
        try atomicWrite(Array(text.utf8), to: target)
    }

    static func atomicWrite(_ bytes: [UInt8], to target: String) throws {
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        var template = Array("\(folder)/.\(name).gangway-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw LoginError("cannot create a temporary file in \(folder): \(String(cString: strerror(errno))) (credentials were not saved)")
        }
        let tmp = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var failure: String? = nil
        if fchmod(fd, 0o600) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil {
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
            do {
                try handle.write(contentsOf: Data(bytes))
                try handle.synchronize()
            } catch {
                failure = error.localizedDescription
            }
        }
        close(fd)
        if failure == nil, rename(tmp, target) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(tmp)
            throw LoginError("cannot write \(target): \(failure) (credentials were not saved; the file is unchanged)")
        }
    }

    /// `2026-11-30T18:00:00Z`.
    static func timestamp(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: d)
    }
}
