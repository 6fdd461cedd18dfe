import Foundation
import Hummingbird
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The gangwayd control plane: HTTP API, agent endpoints, channel WebSockets, maintenance timer.
///
/// ```swift
/// let server = try await ControlPlaneServer.start(ControlPlaneConfig(dataDir: dir))   // port 0 → any free port
/// print(server.baseURL)                                                            // http://127.0.0.1:NNNN
/// let key = try await server.store.createAccessKey(user: try await server.store.createUser("alice").name)
/// await server.shutdown()
/// ```
/// Other helpers' implementations plug in through the initializer: `auditSink` (AuditLog), `recorder` (Recording),
/// `authorizer` (AccessPolicy).
public final class ControlPlaneServer: Sendable {
    public let config: ControlPlaneConfig
    public let store: any ControlPlaneStore
    let services: ControlPlaneServices
    /// Ships sealed audit segments and finished recordings to S3 when `config.s3` is set (Shipping/ArchiveShipper).
    public let shipper: ArchiveShipper?
    private let shippedAuditLog: AuditLogSink?
    private let shippedRecordings: URL?
    private let state = LockedBox<RunState>(RunState())

    struct RunState: Sendable {
        var port: Int?
        var runTask: Task<Void, any Error>?
        /// Runs the Hummingbird application; asked to shut down gracefully at `shutdown()`.
        var serviceGroup: ServiceGroup?
        var maintenanceTask: Task<Void, Never>?
        /// Set when the server task ended (why).
        var stopped: String?
    }

    public init(config: ControlPlaneConfig, store: any ControlPlaneStore, auditSink: any AuditSink,
                recorder: any SessionRecorder = NullRecorder(), authorizer: any Authorizer = AllowAllAuthorizer(),
                clock: any ControlPlaneClock = SystemClock(), logger: Logger = Logger(label: "gangwayd")) throws {
        try config.validate()
        self.config = config
        self.store = store
        var recorder = recorder
        if let s3 = config.s3 {
            let shipper = try ArchiveShipper(config: s3, dataDir: config.dataDir, auditSink: auditSink, logger: logger)
            let files = recorder as? FileSessionRecorder
            if let files {
                recorder = ShippingSessionRecorder(inner: files) { shipper.recordingFinished(sessionId: $0, file: $1) }
            }
            self.shipper = shipper
            shippedAuditLog = auditSink as? AuditLogSink
            shippedRecordings = files?.directory
        } else {
            shipper = nil
            shippedAuditLog = nil
            shippedRecordings = nil
        }
        let agents = AgentRegistry(connectionLostAfter: config.connectionLostAfter, logger: logger)
        let sessions = SessionRegistry(store: store, agents: agents, recorder: recorder, auditSink: auditSink,
                                       config: config, clock: clock, logger: logger)
        services = ControlPlaneServices(config: config, store: store, auditSink: auditSink, authorizer: authorizer,
                                        agents: agents, sessions: sessions, clock: clock, logger: logger)
    }

    /// Opens (or creates) `config.dataDir` with the production parts — SQLite store, the hash-chained signed audit
    /// log (`audit/`), asciicast recordings (`recordings/`), and policy from the store (default deny) — and starts
    /// serving. Users need a policy (`gangwayd admin policy attach --user NAME --policy AdministratorAccess`).
    public static func start(_ config: ControlPlaneConfig, clock: any ControlPlaneClock = SystemClock(),
                             logger: Logger = Logger(label: "gangwayd")) async throws -> ControlPlaneServer {
        try FileManager.default.createDirectory(at: config.dataDir, withIntermediateDirectories: true)
        let store = try SQLiteStore(dataDir: config.dataDir)
        let audit = try AuditLogSink.open(dataDir: config.dataDir)
        let recorder: any SessionRecorder = config.recordSessions ? FileSessionRecorder(dataDir: config.dataDir) : NullRecorder()
        if !config.recordSessions {
            logger.warning("session recording is OFF (--no-recording / record_sessions = false): sessions leave no recording")
            try await audit.record(AuditEventInput(eventTime: clock.now(), eventSource: "gangway", eventName: "RecordingDisabled",
                                                   errorMessage: "gangwayd started with session recording off"))
        }
        let server = try ControlPlaneServer(config: config, store: store, auditSink: audit,
                                            recorder: recorder,
                                            authorizer: try PolicyAuthorizer(dataDir: config.dataDir),
                                            clock: clock, logger: logger)
        try await server.start()
        return server
    }

    /// The bound port (after `start`).
    public var port: Int { state.value.port ?? config.port }
    /// `http[s]://host:port`.
    public var baseURL: String { "\(config.usesTLS ? "https" : "http")://\(Self.urlHost(config.host)):\(port)" }

    static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }

    /// Binds and starts serving; returns once the port is known. Throws if binding fails.
    public func start() async throws {
        // Before the shipper queues unshipped recordings: theirs get the end marker first.
        await services.sessions.endInterrupted()
        await shipper?.start(audit: shippedAuditLog, recordingsDirectory: shippedRecordings)
        let app = try buildApplication { [state] port in state.mutate { $0.port = port } }
        let group = ServiceGroup(configuration: .init(services: [app], logger: services.logger))
        let runTask = Task { [state] in
            do {
                try await group.run()
                state.mutate { $0.stopped = $0.stopped ?? "the server stopped" }
            } catch {
                state.mutate { $0.stopped = "\(error)" }
                throw error
            }
        }
        state.mutate { $0.runTask = runTask; $0.serviceGroup = group }
        // Wait for the bind (or failure) without sleeping in a loop forever: 10 s budget.
        let deadline = Date().addingTimeInterval(10)
        while state.value.port == nil {
            if Date() > deadline {
                runTask.cancel()
                throw ControlPlaneConfigError("gangwayd did not start listening on \(config.host):\(config.port) within 10 s")
            }
            if let finished = state.value.stopped {
                throw ControlPlaneConfigError("cannot listen on \(config.host):\(config.port): \(finished)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let interval = config.maintenanceInterval
        let maintenance = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                guard let self else { return }
                await self.runMaintenance()
            }
        }
        state.mutate { $0.maintenanceTask = maintenance }
        services.logger.info("gangwayd listening", metadata: [
            "url": "\(baseURL)",
            "socket_loops": "\(config.singleEventLoop ? "one (--all-event-loops spreads them)" : "one per core")",
        ])
    }

    /// Runs until the server stops (for `gangwayd serve`).
    public func wait() async throws {
        try await state.value.runTask?.value
    }

    /// Ends live sessions, closes agent channels and stops listening.
    public func shutdown() async {
        state.value.maintenanceTask?.cancel()
        await services.sessions.endAll(reason: "gangwayd is shutting down")
        await services.agents.closeAll()
        // Graceful: the listener closes and the connections left (idle API keep-alives; sessions and agent channels
        // were closed above) finish. Cancelling made Hummingbird log an error on every normal stop. Bounded: what
        // has not finished after `gracefulStopSeconds` is cancelled.
        let (task, group) = (state.value.runTask, state.value.serviceGroup)
        await group?.triggerGracefulShutdown()
        if let task, await !Self.finishes(task, within: Self.gracefulStopSeconds) {
            services.logger.warning("connections were still open after a graceful stop; they were closed",
                                    metadata: ["seconds": "\(Self.gracefulStopSeconds)"])
        }
        await shipper?.stop()  // what is still queued is shipped after the next start
        if let audit = services.auditSink as? any AuditMaintenance {
            do { try await audit.close() } catch {
                services.logger.error("could not seal the audit log", metadata: ["error": "\(error)"])
            }
        }
    }

    /// How long `shutdown()` lets connections finish before cancelling the server.
    static let gracefulStopSeconds = 5.0

    /// Waits for `task`; true when it finished within `seconds`, else it is cancelled (and awaited).
    static func finishes(_ task: Task<Void, any Error>, within seconds: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { _ = try? await task.value; return true }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int(seconds * 1000))); return false }
            let first = await group.next() ?? false
            if !first { task.cancel() }  // the waiting child then returns too
            group.cancelAll()
            return first
        }
    }

    /// One maintenance pass: idle timeout and maximum duration. Called every `maintenanceInterval`; tests with a
    /// `ManualClock` call it directly.
    public func runMaintenance() async {
        await services.sessions.enforceDeadlines()
        await enforceAccess() // revoked principals and sessions policy no longer allows (Policy/SessionAccessEnforcer)
        if let audit = services.auditSink as? any AuditMaintenance {
            do { try await audit.checkpointIfDue() } catch {
                services.logger.error("audit checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Frame counters over all sessions (malformed frames dropped, bytes relayed…).
    public func relayCounters() async -> RelayCounters { await services.sessions.counters() }
}
