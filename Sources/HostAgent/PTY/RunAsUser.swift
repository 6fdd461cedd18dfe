import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The account a session's shell runs as, resolved from the password database.
public struct RunAsUser: Sendable, Equatable {
    public var name: String
    public var uid: uid_t
    public var gid: gid_t
    public var home: String
    public var shell: String
    public var supplementaryGroups: [gid_t]

    /// The default dedicated, unprivileged account created when the agent runs as root.
    public static let defaultDedicatedName = "gangway-user"

    /// Looks up `name`. Throws `HostAgentError.unknownUser` if absent.
    public static func lookup(_ name: String) throws -> RunAsUser {
        guard let pw = getpwnam(name) else { throw HostAgentError.unknownUser(name) }
        let uid = pw.pointee.pw_uid
        let gid = pw.pointee.pw_gid
        let home = String(cString: pw.pointee.pw_dir)
        let shell = String(cString: pw.pointee.pw_shell)
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, gid, &groups, &count)
        }
        return RunAsUser(name: name, uid: uid, gid: gid, home: home, shell: shell,
                         supplementaryGroups: Array(groups.prefix(Int(max(0, count)))))
    }

    /// The user this process runs as.
    public static func current() throws -> RunAsUser {
        guard let pw = getpwuid(geteuid()) else { throw HostAgentError.unknownUser("uid \(geteuid())") }
        return try lookup(String(cString: pw.pointee.pw_name))
    }

    /// Resolves the run-as setting: an explicit name, else `gangway-user` (created when absent) when running as
    /// root, else the current user. A non-root agent can only run shells as itself.
    public static func resolve(configured: String?, logger: (String) -> Void = { _ in }) throws -> RunAsUser {
        let isRoot = geteuid() == 0
        if let name = configured, !name.isEmpty {
            let user = try lookup(name)
            if !isRoot && user.uid != geteuid() { throw HostAgentError.cannotSwitchUser(name) }
            return user
        }
        guard isRoot else { return try current() }
        if getpwnam(defaultDedicatedName) == nil {
            logger("creating the unprivileged run-as user \(defaultDedicatedName)")
            try createDedicatedUser()
        }
        return try lookup(defaultDedicatedName)
    }

    static func createDedicatedUser() throws {
        let useradd = ["/usr/sbin/useradd", "/sbin/useradd", "/usr/bin/useradd"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let useradd else { throw HostAgentError.cannotCreateUser(defaultDedicatedName, "useradd not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: useradd)
        process.arguments = ["--create-home", "--shell", "/bin/bash", "--user-group", "--comment", "Gangway session user",
                             defaultDedicatedName]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // 9: already exists (a concurrent agent in the same process created it).
        guard process.terminationStatus == 0 || process.terminationStatus == 9 else {
            throw HostAgentError.cannotCreateUser(defaultDedicatedName, message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
