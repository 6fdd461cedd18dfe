import ArgumentParser
import ChannelIO
import ControlPlane
import Foundation
import Logging

/// `gangwayd serve --data-dir DIR --listen 127.0.0.1:PORT [--tls-cert F --tls-key F] [--config F]`
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the control plane.",
        discussion: "With port 0 a free port is chosen; the first line on stdout is `listening on http://HOST:PORT`.")

    @Option(help: "Directory for gangway.sqlite and audit.jsonl (created if missing).")
    var dataDir: String?

    @Option(help: "HOST:PORT to listen on (default 127.0.0.1:8443; port 0 picks a free port).")
    var listen: String?

    @Option(help: "PEM certificate chain for HTTPS/WSS.")
    var tlsCert: String?

    @Option(help: "PEM private key for HTTPS/WSS.")
    var tlsKey: String?

    @Option(help: "Config file with `key = value` lines (listen, data_dir, tls_cert, tls_key, connection_lost_after, idle_timeout, max_session_duration, public_url, record_sessions, policy_grace, client_ack_budget, slow_client_cutoff, agent_join_timeout, agent_resume_window, client_join_timeout, handshake_timeout, http_idle_timeout, websocket_ping, and an [s3] section). Flags win.")
    var config: String?

    @Option(help: "Seconds without a heartbeat before an agent shows ConnectionLost (default 300).")
    var connectionLostAfter: Double?

    @Option(help: "Idle session timeout in minutes, 1–60 (default 20).")
    var idleTimeout: Int?

    @Option(help: "Maximum session duration in minutes, 1–1440 (default none).")
    var maxSessionDuration: Int?

    @Option(help: "Public base URL for StreamUrl, e.g. https://gangway.example.com (default: the Host the client used).")
    var publicURL: String?

    @Flag(help: "Do not record sessions (for measuring the recording's cost; warned and audited at startup).")
    var noRecording = false

    @Option(help: "Seconds a live session goes on, with a warning to its user, after a policy change stops allowing it (default 0: it ends at once). Revocation never waits.")
    var policyGrace: Double?

    @Option(help: "Bytes of a session's output a client may leave unacknowledged before gangwayd stops reading the agent (default 8388608, at least 65536).")
    var clientAckBudget: Int?

    @Option(help: "Seconds a client may leave that budget full without acknowledging anything before gangwayd cuts its connection; the session stays resumable (default 60).")
    var slowClientCutoff: Double?

    @Option(help: "Seconds a started session waits for its agent to open the session's data channel before it ends as Failed, with the reason sent to the client (default 30).")
    var agentJoinTimeout: Double?

    @Option(help: "Seconds a session waits for its agent to reopen a data channel that dropped before it ends as Failed, with the reason sent to the client (default 150; gangway-agent itself gives up after 120 and ends the shell).")
    var agentResumeWindow: Double?

    @Option(help: "Seconds a started session waits for a client to open it (the StreamUrl with its TokenValue) before it ends as Failed and its shell is stopped (default 60).")
    var clientJoinTimeout: Double?

    @Option(help: "Seconds a new connection has to send a whole HTTP request, and a channel WebSocket its opening frame with the token, before it is closed (default 30).")
    var handshakeTimeout: Double?

    @Option(help: "Seconds a keep-alive HTTP connection may sit idle between requests before it is closed (default 60).")
    var httpIdleTimeout: Double?

    @Option(name: .customLong("websocket-ping"), help: "Seconds between the pings sent on every agent and data channel; a channel that answers nothing by the next ping is closed as dead (default 30).")
    var webSocketPing: Double?

    @Flag(help: "Serve all sockets on one event loop (thread). The default: each session's relay stays on one thread (about half the CPU per keystroke, lower echo latency); request handlers still use every core.")
    var singleEventLoop = false

    @Flag(help: "Spread sockets over one event loop per core instead: more aggregate bulk throughput on a big host, but a session's two sockets often sit on different threads and each relayed frame wakes the other one (config: single_event_loop = false).")
    var allEventLoops = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        EventLoopConcurrency.install()  // before any task starts: see EventLoopConcurrency
        var cfg = ControlPlaneConfig(port: 8443, dataDir: URL(fileURLWithPath: "gangway-data"))
        if let config { try ConfigFile(contentsOf: config).apply(to: &cfg) }
        if let dataDir { cfg.dataDir = URL(fileURLWithPath: dataDir) }
        if let listen { (cfg.host, cfg.port) = try ListenAddress.parse(listen) }
        if let tlsCert { cfg.tlsCertificatePath = tlsCert }
        if let tlsKey { cfg.tlsKeyPath = tlsKey }
        if let connectionLostAfter { cfg.connectionLostAfter = connectionLostAfter }
        if let idleTimeout { cfg.idleTimeoutMinutes = idleTimeout }
        if let maxSessionDuration { cfg.maxSessionDurationMinutes = maxSessionDuration }
        if let publicURL { cfg.publicURL = publicURL }
        if let policyGrace { cfg.policyGraceSeconds = policyGrace }
        if let clientAckBudget { cfg.clientAckBudgetBytes = clientAckBudget }
        if let slowClientCutoff { cfg.slowClientCutoffSeconds = slowClientCutoff }
        if let agentJoinTimeout { cfg.agentJoinTimeoutSeconds = agentJoinTimeout }
        if let agentResumeWindow { cfg.agentResumeWindowSeconds = agentResumeWindow }
        if let clientJoinTimeout { cfg.clientJoinTimeoutSeconds = clientJoinTimeout }
        if let handshakeTimeout { cfg.handshakeTimeoutSeconds = handshakeTimeout }
        if let httpIdleTimeout { cfg.httpIdleTimeoutSeconds = httpIdleTimeout }
        if let webSocketPing { cfg.webSocketPingSeconds = webSocketPing }
        if singleEventLoop && allEventLoops {
            throw ValidationError("--single-event-loop and --all-event-loops contradict each other; give one")
        }
        if singleEventLoop { cfg.singleEventLoop = true }
        if allEventLoops { cfg.singleEventLoop = false }
        if noRecording { cfg.recordSessions = false }
        do { try cfg.validate() } catch { throw ValidationError("\(error)") }
        let lock = try DataDirLock.acquire(cfg.dataDir)
        defer { withExtendedLifetime(lock) {} }

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let signals = await SignalWaiter.install([SIGINT, SIGTERM])
        // A file that reaches the process's file size limit (ulimit -f, systemd LimitFSIZE=) fails its write with
        // EFBIG instead of killing gangwayd: the session whose recording it was ends as Failed, the others go on.
        signal(SIGXFSZ, SIG_IGN)
        let openFiles = Self.raiseOpenFileLimit()
        let logger = Logger(label: "gangwayd")
        let server = try await ControlPlaneServer.start(cfg, logger: logger)
        logger.info("open files limit", metadata: ["limit": "\(openFiles)"])
        if cfg.listensBeyondLoopback && !cfg.usesTLS {
            logger.warning("""
                listening on \(cfg.host) without TLS: session data, channel tokens and what operators type cross the \
                network in clear (requests stay signed); give --tls-cert and --tls-key, or listen on 127.0.0.1 behind \
                a TLS-terminating proxy
                """)
        }
        // Unbuffered: tests read this first line from a pipe (and may send SIGTERM at once: the waiter is in place).
        FileHandle.standardOutput.write(Data("listening on \(server.baseURL)\n".utf8))
        // Whichever comes first: the server stops by itself, or a signal asks it to.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.wait() }
            group.addTask {
                await signals.wait()
                await server.shutdown()
            }
            _ = try await group.next()
            await server.shutdown()
        }
    }

    /// Raises the soft limit on open descriptors to the hard one (systemd's defaults are 1024 soft, 524288 hard):
    /// every agent, client and API connection is a descriptor, and 1024 is a few hundred sessions. Returns the limit.
    static func raiseOpenFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return UInt64(limit.rlim_cur)
    }
}

/// One `gangwayd serve` per data directory: an exclusive `flock` on `DATA_DIR/gangwayd.lock`, held for the server's
/// life (the kernel drops it when the process ends, kill -9 included). Two servers on one directory would both append
/// to the hash-chained audit log (breaking the chain), ship the same files and keep different live sessions.
/// `gangwayd admin` does not take it: it only writes the database, which SQLite serialises.
final class DataDirLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    static func acquire(_ dataDir: URL) throws -> DataDirLock {
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = dataDir.appendingPathComponent("gangwayd.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ServeError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw ServeError("\(dataDir.path) is in use by another gangwayd serve\(holder.isEmpty ? "" : " (pid \(holder))"); " +
                             "run one server per data directory (its audit log and recordings have one writer)")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return DataDirLock(fd: fd)
    }
}

struct ServeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
