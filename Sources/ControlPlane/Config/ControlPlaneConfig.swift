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
        guard (0...65535).contains(port) else { throw ControlPlaneConfigError("port must be 0–65535, got \(port)") }
    }
}

public struct ControlPlaneConfigError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
