import Foundation

/// What to start on a new PTY.
public struct PTYSpawnSpec: Sendable {
    /// Absolute path of the program.
    public var path: String
    /// argv, including argv[0].
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    /// nil: keep this process's identity; otherwise setgroups/setgid/setuid to this user before exec.
    public var runAs: RunAsUser?
    public var rows: UInt16
    public var cols: UInt16

    public init(path: String, arguments: [String]? = nil, environment: [String: String] = [:],
                workingDirectory: String? = nil, runAs: RunAsUser? = nil, rows: UInt16 = 24, cols: UInt16 = 80) {
        self.path = path
        self.arguments = arguments ?? [path]
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.runAs = runAs
        self.rows = rows
        self.cols = cols
    }

    /// The environment of a session shell: TERM=xterm-256color, LANG=C.UTF-8 unless the agent has one,
    /// HOME/USER/LOGNAME/SHELL of the run-as user, a standard PATH.
    public static func sessionEnvironment(user: RunAsUser, shell: String,
                                          agentEnvironment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var env: [String: String] = [
            "TERM": "xterm-256color",
            "HOME": user.home,
            "USER": user.name,
            "LOGNAME": user.name,
            "SHELL": shell,
            "PATH": user.uid == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                : "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin",
        ]
        env["LANG"] = agentEnvironment["LANG"].flatMap { $0.isEmpty ? nil : $0 } ?? "C.UTF-8"
        if let tz = agentEnvironment["TZ"] { env["TZ"] = tz }
        return env
    }
}
