import AWSCore
import CPosixShim
import ChannelIO
import Foundation
import Logging
import SessionCore

/// A whole agent: registration, identity, status report, control channel with heartbeats and reconnects,
/// and the shell sessions gangwayd asks for.
///
/// ```swift
/// let agent = HostAgentRuntime(HostAgentConfig(server: "http://127.0.0.1:8443", token: token, stateDir: dir))
/// Task { try await agent.run() }   // returns after stop(), throws if registration is refused
/// await agent.stop()
/// ```
public actor HostAgentRuntime {
    public let config: HostAgentConfig
    let logger: Logger
    let api: AgentAPI
    /// This run of the agent, sent in each control channel's opening frame (`GangwayAgentRunId`): gangwayd ends the
    /// sessions an earlier run of the same agent left behind (they died with it) when a new run connects.
    let runId = UUID().uuidString.lowercased()

    public private(set) var identity: AgentIdentity?
    var sessions: [String: ShellSession] = [:]
    var control: ControlChannelConnection?
    /// agent_task_complete messages not yet acknowledged by gangwayd, resent after a reconnect.
    var unacknowledged: [String: ClientMessage] = [:]
    var stopping = false
    var reconnectBackoff = ReconnectBackoff()
    var mainTask: Task<Void, any Error>?
    var onlineWaiters: [CheckedContinuation<Void, Never>] = []
    /// True while the control channel is open.
    public private(set) var isConnected = false

    public init(_ config: HostAgentConfig, logger: Logger? = nil) {
        self.config = config
        var l = logger ?? Logger(label: "gangway-agent")
        if let name = config.computerName { l[metadataKey: "host"] = "\(name)" }
        self.logger = l
        var httpConfig = HTTPClient.Configuration(timeout: .seconds(15), connectTimeout: .seconds(5),
                                                  caFile: config.tls?.caCertificatePath, userAgent: "gangway-agent/\(AgentAPI.agentVersion)")
        httpConfig.maxIdleHandles = 2
        self.api = AgentAPI(server: config.server, region: config.region, http: HTTPClient(configuration: httpConfig),
                            clockSkew: ClockSkew(localClock: config.wallClock), onClockSkew: { [l] offset in
            l.warning("""
                this host's clock is \(ClockSkew.describe(offset)) gangwayd's (its Date header): gangwayd refused the \
                request's signing time, so requests are signed with gangwayd's time from now on; fix this host's time \
                sync (NTP)
                """)
        })
    }

    /// Runs until `stop()`. Throws only for problems retrying cannot fix (refused registration token, no token,
    /// unusable run-as user).
    public func run() async throws {
        let task = Task { try await self.mainLoop() }
        mainTask = task
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Closes the control channel, terminates every session, and makes `run()` return.
    public func stop() async {
        stopping = true
        mainTask?.cancel()
        await control?.close()
        for session in sessions.values { await session.terminate(reason: "the agent is stopping") }
        sessions.removeAll()
    }

    /// Waits until the control channel is open (for tests and `gangway demo`).
    public func waitUntilConnected() async {
        if isConnected { return }
        await withCheckedContinuation { onlineWaiters.append($0) }
    }

    /// Number of sessions running.
    public var sessionCount: Int { sessions.count }

    // MARK: main loop

    func mainLoop() async throws {
        let user = try RunAsUser.resolve(configured: config.runAs) { [logger] in logger.notice("\($0)") }
        let shell = resolveShell(user: user)
        var facts = HostFacts.detect()
        if let name = config.computerName { facts.computerName = name }
        let labels = config.kubernetes?.labels(merging: config.labels) ?? config.labels
        let identity = try await obtainIdentity(facts: facts, labels: labels)
        self.identity = identity
        logger.info("agent identity \(identity.instanceId); shells run as \(user.name) with \(shell)")

        while !stopping && !Task.isCancelled {
            let delay: Duration
            do {
                try await api.updateInstanceInformation(identity: identity, facts: facts, labels: labels)
                let token = try await api.createControlChannel(identity: identity)
                let (reason, replaced) = await runControlChannel(identity: identity, token: token, user: user, shell: shell)
                if stopping { break }
                if replaced {
                    // Another process holds this identity: reconnecting at once would take the channel back and
                    // the two would trade it several times a second, each operator's session landing on either.
                    delay = Self.sharedIdentityDelay * Double.random(in: 0.9...1.1)
                    logger.error("""
                        another gangway-agent connected to gangwayd as \(identity.instanceId), this agent's identity; \
                        the state directory \(config.stateDir) was probably copied (a machine image, a restored backup). \
                        Give the copy its own identity: stop it, delete identity.json from its state directory and start \
                        it with a new registration token. Reconnecting in \(Self.seconds(delay)) s
                        """)
                } else {
                    delay = reconnectBackoff.nextDelay()
                    logger.warning("control channel ended: \(reason); reconnecting in \(Self.seconds(delay)) s")
                }
            } catch HostAgentError.serverError(let operation, let status, let body)
                        where (400..<500).contains(status) && Self.credentialsRefused(body) {
                if stopping || Task.isCancelled { break }
                delay = reconnectBackoff.nextDelay()
                // Not "cannot reach": gangwayd answered, and it no longer accepts this identity.
                logger.error("""
                    gangwayd refuses this agent's credentials (\(identity.instanceId): \(operation) answered \(status): \
                    \(AWSError.parse(status: status, body: Array(body.utf8)).message)). The identity was revoked or deleted; to bring this host back, give it a new \
                    identity: delete identity.json from \(config.stateDir) and start the agent with a new registration token \
                    (`gangwayd admin agent token`). Retrying in \(Self.seconds(delay)) s
                    """)
            } catch {
                if stopping || Task.isCancelled { break }
                delay = reconnectBackoff.nextDelay()
                logger.warning("cannot reach gangwayd at \(config.server): \(error); retrying in \(Self.seconds(delay)) s")
            }
            do { try await waitBeforeReconnect(delay) } catch { break }
        }
    }

    /// gangwayd's answer says it does not accept the agent's key (unknown or disabled, or a revoked principal).
    static func credentialsRefused(_ body: String) -> Bool {
        ["UnrecognizedClientException", "InvalidClientTokenId", "was revoked"].contains { body.contains($0) }
    }

    func resolveShell(user: RunAsUser) -> String {
        if let s = config.shell, !s.isEmpty { return s }
        if !user.shell.isEmpty, !user.shell.hasSuffix("nologin"), !user.shell.hasSuffix("false"),
           FileManager.default.isExecutableFile(atPath: user.shell) { return user.shell }
        return FileManager.default.isExecutableFile(atPath: "/bin/bash") ? "/bin/bash" : "/bin/sh"
    }

    func obtainIdentity(facts: HostFacts, labels: [String: String]) async throws -> AgentIdentity {
        if let stored = try AgentIdentity.load(stateDir: config.stateDir) { return stored }
        guard let token = config.token, !token.isEmpty else { throw HostAgentError.missingToken(stateDir: config.stateDir) }
        var backoff = ReconnectBackoff()
        while true {
            do {
                let identity = try await api.register(token: token, facts: facts, labels: labels)
                try identity.save(stateDir: config.stateDir)
                logger.info("registered as \(identity.instanceId)")
                return identity
            } catch let error as HostAgentError {
                throw error
            } catch {
                if stopping || Task.isCancelled { throw CancellationError() }
                let delay = backoff.nextDelay()
                logger.warning("cannot register with \(config.server): \(error); retrying in \(Self.seconds(delay)) s")
                try await Task.sleep(for: delay)
            }
        }
    }

    /// One control-channel connection, until it ends.
    /// Returns why it ended and whether gangwayd closed it because another agent with this identity connected.
    func runControlChannel(identity: AgentIdentity, token: String, user: RunAsUser,
                           shell: String) async -> (reason: String, replaced: Bool) {
        guard let url = api.webSocketURL(path: "/v1/control-channel/\(identity.instanceId)?role=subscribe&stream=input") else {
            return ("server URL \(config.server) cannot be turned into a WebSocket URL", false)
        }
        let opening: [String: Any] = [
            "Cookie": NSNull(), "MessageSchemaVersion": "1.0", "RequestId": UUID().uuidString.lowercased(),
            "TokenValue": token, "AgentVersion": AgentAPI.agentVersion, "PlatformType": "linux",
            "GangwayAgentRunId": runId,
        ]
        let openingText = String(decoding: (try? JSONSerialization.data(withJSONObject: opening)) ?? Data(), as: UTF8.self)
        let connection = ControlChannelConnection(logger: logger)
        control = connection
        let env = ShellSession.Environment(api: api, identity: identity, user: user, shell: shell, tls: config.tls,
                                           killGrace: config.killGrace) { [weak self] message in
            await self?.sendReliably(message)
        }
        let heartbeat = config.heartbeat
        let pingEvery = max(heartbeat, .seconds(10))
        let reason = await connection.run(url: url, openingFrame: openingText, tls: config.tls, pingEvery: pingEvery,
            onOpen: { [weak self] in
                await self?.controlOpened()
                // The first heartbeat right away: gangwayd's LastPingDateTime is fresh from the first second.
                await self?.sendHeartbeat(connection, instanceId: identity.instanceId)
            },
            onMessage: { [weak self] message in
                await self?.handleControl(message, env: env)
            })
        heartbeatTask?.cancel()
        heartbeatTask = nil
        isConnected = false
        if control === connection { control = nil }
        return (reason, await connection.replaced)
    }

    /// How long an agent whose channel another agent with the same identity took waits before taking it back.
    static let sharedIdentityDelay: Duration = .seconds(60)

    func controlOpened() {
        isConnected = true
        reconnectBackoff.reset()
        let waiting = onlineWaiters
        onlineWaiters = []
        for w in waiting { w.resume() }
        logger.info("control channel open")
        startHeartbeats()
        // Completions gangwayd has not acknowledged yet go out again.
        let pending = unacknowledged.values
        if let control, !pending.isEmpty {
            Task { for message in pending { await control.send(message) } }
        }
    }

    var heartbeatTask: Task<Void, Never>?

    func startHeartbeats() {
        heartbeatTask?.cancel()
        guard let control, let instanceId = identity?.instanceId else { return }
        let period = config.heartbeat
        heartbeatTask = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: period) } catch { return }
                guard await control.isOpen else { return }
                await self?.sendHeartbeat(control, instanceId: instanceId)
            }
        }
    }

    func sendHeartbeat(_ connection: ControlChannelConnection, instanceId: String) async {
        let message = ClientMessage.control(type: .agentHeartbeat, payloadJSON: Array("{\"InstanceId\":\"\(instanceId)\"}".utf8),
                                            flags: 0, now: ShellSession.epochMillis())
        await connection.send(message)
    }

    func sendReliably(_ message: ClientMessage) async {
        if message.messageType == .agentTaskComplete {
            unacknowledged[message.messageId.uuidString.lowercased()] = message
        }
        _ = await control?.send(message)
    }

    func handleControl(_ message: ClientMessage, env: ShellSession.Environment) async {
        switch message.messageType {
        case .interactiveShell:
            guard let request = InteractiveShellRequest.parse(message.payload) else {
                logger.warning("ignoring an interactive_shell message without a usable SessionId")
                return
            }
            guard sessions[request.sessionId] == nil, !stopping else { return }
            let session = ShellSession(request: request, env: env, logger: logger)
            sessions[request.sessionId] = session
            Task {
                await session.run()
                self.sessionEnded(request.sessionId)
            }
        case .channelClosed:
            let closed = try? message.decodePayload(ChannelClosed.self)
            if let id = closed?.sessionId, let session = sessions[id] {
                await session.terminate(reason: closed?.output.isEmpty == false ? closed!.output : "gangwayd closed the session")
            }
        case .agentTaskAcknowledge:
            if let o = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
               let id = o["MessageId"] as? String {
                unacknowledged.removeValue(forKey: id.lowercased())
            }
        default:
            logger.debug("ignoring control message \(message.messageType)")
        }
    }

    func sessionEnded(_ id: String) {
        sessions.removeValue(forKey: id)
        gw_release_free_memory_soon()
    }
}
