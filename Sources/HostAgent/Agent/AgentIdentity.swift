import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the agent received at registration; stored in `STATE_DIR/identity.json` with mode 0600.
public struct AgentIdentity: Codable, Sendable, Equatable {
    public var instanceId: String
    public var accessKeyId: String
    public var secretAccessKey: String
    /// The server it was registered with (informational).
    public var server: String?

    enum CodingKeys: String, CodingKey {
        case instanceId = "InstanceId", accessKeyId = "AccessKeyId", secretAccessKey = "SecretAccessKey", server = "Server"
    }

    public init(instanceId: String, accessKeyId: String, secretAccessKey: String, server: String? = nil) {
        self.instanceId = instanceId
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.server = server
    }

    public static func path(stateDir: String) -> String { (stateDir as NSString).appendingPathComponent("identity.json") }

    /// The stored identity, nil if none.
    public static func load(stateDir: String) throws -> AgentIdentity? {
        let path = path(stateDir: stateDir)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(AgentIdentity.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw HostAgentError.identityUnreadable(path: path, detail: "\(error)")
        }
    }

    /// Writes atomically with mode 0600 (state dir created 0700 if missing).
    public func save(stateDir: String) throws {
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = Self.path(stateDir: stateDir)
        let temp = path + ".tmp-\(getpid())"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HostAgentError.identityUnreadable(path: temp, detail: "cannot create: errno \(errno)") }
        let ok = data.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress, raw.count) == raw.count }
        fsync(fd)
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            unlink(temp)
            throw HostAgentError.identityUnreadable(path: path, detail: "cannot write")
        }
        chmod(path, 0o600)
    }
}
