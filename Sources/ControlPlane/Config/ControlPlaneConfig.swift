import Foundation

/// Everything `gangwayd serve` (or `gangway demo`, in process) needs to run a control plane.
public struct ControlPlaneConfig: Sendable {
    /// Host to bind. Loopback by default; gangwayd never picks a wildcard address on its own.
    public var host: String
    /// Port to bind; 0 picks a free one (read it back from `ControlPlaneServer.port`).
    public var port: Int
    /// Directory holding `gangway.sqlite` and `audit.jsonl`.
    public var dataDir: URL
    /// PEM certificate chain and private key. Both set → HTTPS/WSS.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Agent heartbeat silence after which PingStatus becomes ConnectionLost (default 300 s).
    public var connectionLostAfter: TimeInterval
    /// Idle session timeout in minutes, 1–60 (default 20).
    public var idleTimeoutMinutes: Int
    /// Maximum session duration in minutes (1–1440), nil for none.
    public var maxSessionDurationMinutes: Int?
    /// Externally visible base URL for StreamUrl (`https://gw.example.com`); nil → derived from the request's Host.
    public var publicURL: String?
    /// Seconds a StartSession/ResumeSession token stays valid (60).
    public var sessionTokenTTL: TimeInterval
    /// Bytes gangwayd queues for a data-channel peer that has not attached yet (per direction).
    public var pendingBytesLimit: Int
    /// Largest binary WebSocket message accepted on a data or control channel.
    public var maxFrameBytes: Int
    /// How often the maintenance loop checks idle sessions and agent liveness.
    public var maintenanceInterval: TimeInterval
    /// `[s3]`: ship sealed audit segments and finished recordings to S3 with Object Lock (Shipping/); nil: local only.
    public var s3: S3ShippingConfig? = nil
    /// Seconds a live session goes on after a policy change (or a closing time window) stops allowing it: the user is
    /// told "gangway: access to HOST ends in N s: …" and the session ends when they pass. 0 (default) ends it at
    /// once. Revocation never waits.
    public var policyGraceSeconds: TimeInterval = 0
    /// Record sessions as asciicast in `dataDir/recordings/` (default true). Off only for measuring the recording's
    /// cost (`gangwayd serve --no-recording`); gangwayd warns and audits `RecordingDisabled` at startup.
    public var recordSessions = true
    /// Flow control towards a client: bytes of agent output gangwayd relays to a client before it must acknowledge
    /// some; beyond it gangwayd stops reading the agent (default 8 MiB: twice the agent's 4 MiB send window, so a
    /// client that keeps up never engages it).
    public var clientAckBudgetBytes = 8 << 20
    /// Seconds a client may leave that budget full without acknowledging anything before gangwayd cuts its
    /// connection (logged and audited as `SlowClientCutOff`); the session stays resumable (default 60).
    public var slowClientCutoffSeconds: TimeInterval = 60
    /// Seconds a started session waits for its agent to open the session's data channel before gangwayd ends it as
    /// Failed, telling the client why (default 30). Without it a session whose agent never got the request (a control
    /// channel that died without a FIN, an agent that hung) sat in Connecting until the idle timeout, its user looking
    /// at a silent terminal.
    public var agentJoinTimeoutSeconds: TimeInterval = 30
    /// How long a session waits for its agent to reopen a data channel that dropped before it ends as Failed.
    /// gangway-agent retries for 2 minutes and then ends the shell itself, so after that nothing can resume it.
    public var agentResumeWindowSeconds: TimeInterval = 150
    /// How long a started session waits for a client to open its data channel before it ends as Failed (the shell
    /// the agent started for it would otherwise run until the idle timeout: e.g. `aws ssm start-session` without
    /// session-manager-plugin).
    public var clientJoinTimeoutSeconds: TimeInterval = 60
    /// Seconds a new connection has to send a whole HTTP request head, and a channel WebSocket its opening frame
    /// (the token), before gangwayd closes it (default 30; `Server/HandshakeDeadline.swift`).
    public var handshakeTimeoutSeconds: TimeInterval = 30
    /// Seconds a keep-alive HTTP connection may sit idle between requests before gangwayd closes it (default 60).
    public var httpIdleTimeoutSeconds: TimeInterval = 60
    /// Seconds between the pings gangwayd sends on every agent and data channel WebSocket (default 30). A socket
    /// that has answered neither with a pong nor, on a data channel, with any frame by the next ping is closed as
    /// dead; a data channel gangwayd itself is not reading (flow control) is not judged (`RelayFrameHandler`).
    public var webSocketPingSeconds: TimeInterval = 30
    /// Serve every socket on one NIO event loop (thread) (default true) rather than one loop per core. Spread over
    /// loops, a session's client and agent sockets land on loops in turn (NIO gives no say), and every frame relayed
    /// between two loops costs a hand-over and a thread wake-up: gangwayd spent 103–109 µs of CPU per keystroke
    /// that way against 54–71 µs on one loop, and echo p50 194–204 µs against 150–201 µs (2-core bench host, same
    /// runs). The price: socket I/O, TLS and the relay of all sessions share one core (request handlers still run on
    /// every core's loop), so aggregate bulk output is capped near one core's worth — 3 concurrent `cat`s measured
    /// 5 % below the spread layout on 2 cores. `false` (`serve --all-event-loops`) spreads sockets over one loop per
    /// core, for hosts relaying a lot of bulk output at once.
    public var singleEventLoop = true
    /// Relay a session's frames inside the NIO pipeline on the sockets' event loops (`RelayFrameHandler`, default
    /// true) rather than through a task per socket. `GANGWAY_RELAY_IN_TASKS=1` in gangwayd's environment turns it
    /// off (to compare, or to rule it out).
    public var relayOnEventLoop = ProcessInfo.processInfo.environment["GANGWAY_RELAY_IN_TASKS"] != "1"

    public init(host: String = "127.0.0.1", port: Int = 0, dataDir: URL, tlsCertificatePath: String? = nil,
                tlsKeyPath: String? = nil, connectionLostAfter: TimeInterval = 300, idleTimeoutMinutes: Int = 20,
                maxSessionDurationMinutes: Int? = nil, publicURL: String? = nil, sessionTokenTTL: TimeInterval = 60,
                pendingBytesLimit: Int = 1 << 20, maxFrameBytes: Int = (1 << 20) + 4096,
                maintenanceInterval: TimeInterval = 0.25) {
        self.host = host
        self.port = port
        self.dataDir = dataDir
        self.tlsCertificatePath = tlsCertificatePath
        self.tlsKeyPath = tlsKeyPath
        self.connectionLostAfter = connectionLostAfter
        self.idleTimeoutMinutes = idleTimeoutMinutes
        self.maxSessionDurationMinutes = maxSessionDurationMinutes
        self.publicURL = publicURL
        self.sessionTokenTTL = sessionTokenTTL
        self.pendingBytesLimit = pendingBytesLimit
        self.maxFrameBytes = maxFrameBytes
        self.maintenanceInterval = maintenanceInterval
    }

    public var usesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }

    /// True when `host` reaches beyond this machine (anything but a loopback address or `localhost`).
    public var listensBeyondLoopback: Bool {
        let h = host.lowercased()
        return !(h == "localhost" || h == "::1" || h.hasPrefix("127."))
    }

    /// Checks ranges; the message names the setting and the allowed values.
    public func validate() throws {
        guard (1...60).contains(idleTimeoutMinutes) else {
            throw ControlPlaneConfigError("idle-timeout must be 1–60 minutes, got \(idleTimeoutMinutes)")
        }
        if let m = maxSessionDurationMinutes, !(1...1440).contains(m) {
            throw ControlPlaneConfigError("max-session-duration must be 1–1440 minutes, got \(m)")
        }
        guard connectionLostAfter > 0 else {
            throw ControlPlaneConfigError("connection-lost-after must be a positive number of seconds")
        }
        guard (tlsCertificatePath == nil) == (tlsKeyPath == nil) else {
            throw ControlPlaneConfigError("TLS needs both --tls-cert and --tls-key")
        }
        guard (0...86_400).contains(policyGraceSeconds) else {
            throw ControlPlaneConfigError("policy-grace must be 0–86400 seconds, got \(policyGraceSeconds)")
        }
        guard clientAckBudgetBytes >= 64 << 10 else {
            throw ControlPlaneConfigError("client-ack-budget must be at least 65536 bytes, got \(clientAckBudgetBytes)")
        }
        guard slowClientCutoffSeconds > 0 else {
            throw ControlPlaneConfigError("slow-client-cutoff must be a positive number of seconds")
        }
        guard agentJoinTimeoutSeconds > 0 else {
            throw ControlPlaneConfigError("agent-join-timeout must be a positive number of seconds")
        }
        guard clientJoinTimeoutSeconds > 0 && clientJoinTimeoutSeconds <= 86_400 else {
            throw ControlPlaneConfigError("client-join-timeout must be more than 0 and at most 86400 seconds, got \(clientJoinTimeoutSeconds)")
        }
        guard agentResumeWindowSeconds > 0 && agentResumeWindowSeconds <= 86_400 else {
            throw ControlPlaneConfigError("agent-resume-window must be more than 0 and at most 86400 seconds, got \(agentResumeWindowSeconds)")
        }
        guard handshakeTimeoutSeconds > 0 && handshakeTimeoutSeconds <= 3600 else {
            throw ControlPlaneConfigError("handshake-timeout must be more than 0 and at most 3600 seconds, got \(handshakeTimeoutSeconds)")
        }
        guard webSocketPingSeconds >= 0.1 && webSocketPingSeconds <= 3600 else {
            throw ControlPlaneConfigError("websocket-ping must be from 0.1 to 3600 seconds, got \(webSocketPingSeconds)")
        }
        guard httpIdleTimeoutSeconds > 0 && httpIdleTimeoutSeconds <= 86_400 else {
            throw ControlPlaneConfigError("http-idle-timeout must be more than 0 and at most 86400 seconds, got \(httpIdleTimeoutSeconds)")
        }
        guard (0...65535).contains(port) else { throw ControlPlaneConfigError("port must be 0–65535, got \(port)") }
    }
}

public struct ControlPlaneConfigError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
