import AuditLog
import Crypto
import Foundation

/// A fresh temporary data dir per test, removed at deinit.
final class TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-audit-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    var audit: URL { url.appendingPathComponent("audit") }
    var keyFile: URL { url.appendingPathComponent("keys/audit-ed25519.key") }

    func openStore(every: Int = 1000, maxSegmentBytes: Int = 64 << 20,
                   now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) }) throws -> AuditStore {
        try AuditStore(options: .init(directory: audit, keyFile: keyFile,
                                      policy: .init(checkpointEvery: every, checkpointInterval: 3600),
                                      maxSegmentBytes: maxSegmentBytes, now: now))
    }

    func publicKey() throws -> Curve25519.Signing.PublicKey {
        try AuditSigningKey.parsePublicKey(String(contentsOf: audit.appendingPathComponent("public-key.pem"), encoding: .utf8))
    }

    func verify() throws -> Result<AuditVerifier.Summary, AuditVerifier.Failure> {
        try AuditVerifier.verify(directory: audit, publicKey: publicKey())
    }

    func segment(_ n: Int) -> URL { audit.appendingPathComponent(AuditSegments.name(n)) }

    func lines(_ n: Int = 1) throws -> [String] {
        try String(contentsOf: segment(n), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    func writeLines(_ lines: [String], _ n: Int = 1) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: segment(n))
    }
}

func sampleEvent(_ i: Int, user: String = "alice", name: String = "StartSession", at seconds: Double? = nil,
                 target: String = "mi-0123456789abcdef0") -> AuditEvent {
    AuditEvent(eventTime: Date(timeIntervalSince1970: seconds ?? (1_800_000_000 + Double(i))),
               eventSource: "ssm.amazonaws.com", eventName: name, sourceIPAddress: "127.0.0.1",
               userAgent: "aws-cli/2.15", userIdentity: .init(type: "IAMUser", principalId: user,
                                                              accessKeyId: "AKGW\(user.uppercased())", userName: user),
               requestParameters: .object([("target", .string(target)), ("n", .int(i))]),
               responseElements: .object([("sessionId", .string("\(user)-\(i)"))]),
               resources: [.init(type: AuditEvent.instanceResourceType, name: target),
                           .init(type: AuditEvent.sessionResourceType, name: "\(user)-\(i)")])
}
