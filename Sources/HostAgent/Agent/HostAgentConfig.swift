import ChannelIO
import Foundation

/// Everything a `HostAgentRuntime` needs. `gangway-agent` fills it from flags and a config file; `gangway demo`
/// builds several in one process (with `computerName` set so each looks like its own host).
public struct HostAgentConfig: Sendable {
    /// gangwayd base URL, e.g. `http://127.0.0.1:8443`.
    public var server: String
    /// Registration token (`gangwayd admin agent token`); only needed until `stateDir` holds an identity.
    public var token: String?
    /// Where `identity.json` lives.
    public var stateDir: String
    /// Labels reported as tags (`eks:cluster-name`, `eks:nodegroup-name` mark a Kubernetes node).
    public var labels: [String: String]
    /// Run-as user; nil: `gangway-user` when root (created if absent), else the current user.
    public var runAs: String?
    /// Shell program; nil: the run-as user's login shell, else /bin/sh.
    public var shell: String?
    /// Heartbeat period on the control channel.
    public var heartbeat: Duration
    /// Reported ComputerName instead of the host name.
    public var computerName: String?
    /// Region used in SigV4 scopes (gangwayd accepts any).
    public var region: String
    /// TLS for wss:// (CA file, SNI name); the HTTP client uses `caFile` too.
    public var tls: ChannelTLS?
    /// Kubernetes detection sources; nil disables detection.
    public var kubernetes: KubernetesLabels?
    /// Grace between SIGHUP and SIGKILL when a session is terminated.
    public var killGrace: Duration
    /// While waiting out a reconnect backoff (jittered, capped at 30 s), how often to probe gangwayd's `/healthz`:
    /// when it answers again after failing, the agent reconnects at once instead of sleeping out the backoff.
    /// Zero disables probing.
    public var reconnectProbeInterval: Duration = .seconds(1)
    /// This host's wall clock, which signs requests (corrected by what gangwayd's refusals teach: `ClockSkew`).
    /// Injected by tests to play a host whose clock has drifted.
    public var wallClock: @Sendable () -> Date = { Date() }

    public init(server: String, token: String? = nil, stateDir: String, labels: [String: String] = [:],
                runAs: String? = nil, shell: String? = nil, heartbeat: Duration = .seconds(30),
                computerName: String? = nil, region: String = "us-east-1", tls: ChannelTLS? = nil,
                kubernetes: KubernetesLabels? = KubernetesLabels(), killGrace: Duration = .milliseconds(500)) {
        self.server = server
        self.token = token
        self.stateDir = stateDir
        self.labels = labels
        self.runAs = runAs
        self.shell = shell
        self.heartbeat = heartbeat
        self.computerName = computerName
        self.region = region
        self.tls = tls
        self.kubernetes = kubernetes
        self.killGrace = killGrace
    }
}
