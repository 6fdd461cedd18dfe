import Foundation
import Logging

/// The shared parts every endpoint uses. A value type of references; cheap to copy into handlers.
struct ControlPlaneServices: Sendable {
    let config: ControlPlaneConfig
    let store: any ControlPlaneStore
    let auditSink: any AuditSink
    let authorizer: any Authorizer
    let agents: AgentRegistry
    let sessions: SessionRegistry
    let clock: any ControlPlaneClock
    let logger: Logger
    /// Grace periods and revocation metrics kept between access-enforcement passes (Policy/SessionAccessEnforcer).
    let access = SessionAccessMonitor()
    /// Connections closed for not identifying themselves in time (Server/HandshakeDeadline).
    let handshakeTimeouts = HandshakeTimeoutCounters()

    /// Base `ws[s]://host:port` for StreamUrl.
    func streamBase(requestHost: String) -> String {
        if let url = config.publicURL {
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            if trimmed.hasPrefix("https://") { return "wss://" + trimmed.dropFirst(8) }
            if trimmed.hasPrefix("http://") { return "ws://" + trimmed.dropFirst(7) }
            return trimmed
        }
        return (config.usesTLS ? "wss://" : "ws://") + requestHost
    }
}
