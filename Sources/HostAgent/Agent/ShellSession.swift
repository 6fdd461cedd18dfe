import ChannelIO
import Foundation
import Logging
import NIOCore
import NIOPosix
import SessionCore

/// One Standard_Stream session on the agent: opens the session's data channel, runs the shell on a PTY, pumps
/// bytes both ways, tracks the terminal's echo flag, and reports the exit (docs/CONTROL-PLANE.md §Sessions).
///
/// The session, its data channel, its socket and the PTY's reads all run on one event loop (this actor's executor):
/// a keystroke is read from the socket, written to the terminal, and its echo read and sent on one thread, without
/// waking another. Keystrokes go from the socket's read to the PTY in one turn of the loop (`ShellInput`, the
/// channel's data sink), without a task hand-over.
actor ShellSession: EventLoopActor {
    struct Environment: Sendable {
        var api: AgentAPI
        var identity: AgentIdentity
        var user: RunAsUser
        var shell: String
        var tls: ChannelTLS?
        var killGrace: Duration
        /// Sends a message on the control channel (queued across reconnects by the runtime).
        var controlSend: @Sendable (ClientMessage) async -> Void
    }

    let request: InteractiveShellRequest
    let env: Environment
    let logger: Logger
    let clientId = UUID().uuidString.lowercased()
    nonisolated let eventLoop: any EventLoop
    private nonisolated let loopExecutor: any SerialExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { loopExecutor.asUnownedSerialExecutor() }

    var channel: DataChannelConnection?
    var pty: PTYProcess?
    /// Where the channel writes keystrokes (created with the channel).
    var input: ShellInput?
    /// The terminal's output on its way to the channel: carries an unfinished UTF-8 sequence to the next chunk.
    var outputBoundary = UTF8Boundary()
    var outputEnded = false
    var outputEndWaiters: [CheckedContinuation<Void, Never>] = []
    /// When the terminal last gave output, and whether its reading is held back (the channel's send queue is full):
    /// after the shell exits, a terminal quiet for a second while read is one only an escaped process holds open.
    var lastOutputAt = ContinuousClock.now
    var outputHeld = false
    var lastEcho: Bool?
    /// The pending look at the echo flag after the terminal's last activity (`noteTerminalActivity`).
    var echoRecheck: Scheduled<Void>?
    var echoRecheckStage = 0
    var activitySinceEchoRecheck = false
    var pendingSize: (cols: UInt16, rows: UInt16)?
    var terminateReason: String?
    var finished = false

    init(request: InteractiveShellRequest, env: Environment, logger: Logger) {
        self.request = request
        self.env = env
        eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        loopExecutor = eventLoop.executor
        var l = logger
        l[metadataKey: "session"] = "\(request.sessionId)"
        self.logger = l
        if let c = request.cols, let r = request.rows { pendingSize = (c, r) }
    }

    var sessionId: String { request.sessionId }

    /// Runs the session to its end.
    func run() async {
        do {
            let channel = try await openChannel()
            self.channel = channel
            await channel.sendControl(stateMessage(AgentSessionState.connected))
            let spec = PTYSpawnSpec(
                path: env.shell, arguments: [env.shell],
                environment: PTYSpawnSpec.sessionEnvironment(user: env.user, shell: env.shell),
                workingDirectory: env.user.home, runAs: env.user,
                rows: pendingSize?.rows ?? 24, cols: pendingSize?.cols ?? 80)
            let pty = try PTYProcess.spawn(spec, eventLoop: channel.eventLoop)
            self.pty = pty
            input?.attach(pty)
            logger.info("shell started", metadata: ["pid": "\(pty.pid)", "user": "\(env.user.name)"])
            if terminateReason != nil { await pty.terminate(grace: env.killGrace) }
            await pump(pty: pty, channel: channel)
        } catch {
            logger.error("session failed: \(error)")
            if let channel {
                await channel.send(Array("gangway-agent: \(error)\r\n".utf8))
                await channel.send(Array("1".utf8), payloadType: .exitCode)
                _ = await channel.waitUntilAcknowledged(timeout: .seconds(2))
                await channel.sendControl(stateMessage(AgentSessionState.terminating))
                await channel.close()
            }
            await env.controlSend(taskComplete(status: "Failed", output: "\(error)"))
        }
        finished = true
        echoRecheck?.cancel()
        echoRecheck = nil
    }

    /// gangwayd closed the session (channel_closed, TerminateSession, idle timeout): kill the shell's session.
    func terminate(reason: String) async {
        guard terminateReason == nil else { return }
        terminateReason = reason
        logger.info("terminating: \(reason)")
        if let pty { await pty.terminate(grace: env.killGrace) }
    }

    // MARK: data channel

    func openChannel() async throws -> DataChannelConnection {
        guard let url = env.api.webSocketURL(path: "/v1/data-channel/\(request.sessionId)?role=publish_subscribe") else {
            throw HostAgentError.invalidConfig("server URL \(env.api.server) cannot be turned into a WebSocket URL")
        }
        let frame = try await openingFrame()
        // Called by the channel on this loop with each keystroke, after it is written: the echo flag is looked at
        // again shortly after (`noteTerminalActivity`), when a program the keystroke started may have turned echo off
        // without printing anything; gangwayd redacts what is typed next. (gangwayd has recorded this keystroke
        // already, so a look right now could only speak for the next one, which the delayed look does too.)
        let input = ShellInput(afterOffer: { [weak self] in
            self?.onLoop(()) { session, _ in session.noteTerminalActivity() }
        })
        self.input = input
        let channel = DataChannelConnection(url: url, openingFrame: frame, role: .agent, tls: env.tls,
                                            eventLoop: eventLoop, dataSink: input, logger: logger)
        try await channel.connect()
        return channel
    }

    func openingFrame() async throws -> String {
        let token = try await env.api.createDataChannel(identity: env.identity, sessionId: request.sessionId, clientId: clientId)
        return try OpenDataChannelInput.agent(requestId: UUID().uuidString.lowercased(), tokenValue: token,
                                              clientId: clientId, instanceId: env.identity.instanceId).jsonText()
    }

    /// After a dropped socket: new token, same stream state. Retries with backoff for up to 2 minutes, and stops
    /// at once if gangwayd says the session is over.
    func resumeChannel(_ channel: DataChannelConnection) async -> Bool {
        var backoff = ReconnectBackoff(base: .milliseconds(100), cap: .seconds(5))
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline, terminateReason == nil {
            do {
                let frame = try await openingFrame()
                try await channel.reconnect(openingFrame: frame)
                logger.info("data channel resumed")
                announceEcho()
                return true
            } catch HostAgentError.serverError(_, let status, let body) where (400..<500).contains(status) {
                logger.info("data channel cannot be resumed: \(body)")
                return false
            } catch {
                logger.debug("data channel resume failed: \(error)")
            }
            try? await Task.sleep(for: backoff.nextDelay())
        }
        return false
    }

    // MARK: pumps

    func pump(pty: PTYProcess, channel: DataChannelConnection) async {
        // The terminal's output is sent on the loop as it is read (`outputArrived`), no task per read.
        pty.output.deliver(to: ShellOutput(session: self))
        // Set once when the output ends: waits below take a timeout on it (a task group would return only when both
        // children had, and awaiting a task ignores cancellation, so a wait "within" a time waited for the end
        // however long it took: a shell that exited leaving a background job on the terminal hung its session).
        let outputEnd = ExitStatusBox()
        let output = Task { await self.waitForOutputEnd(); outputEnd.set(0) }
        let input = Task { await self.pumpInput(pty: pty, channel: channel) }
        let status = await pty.waitForExit()
        // Output still buffered in the PTY follows the exit. If the terminal stays open after a second (background
        // jobs hold it), end them: the buffered output still drains, then reads see the end. The master is closed
        // only if even that does not finish (a process that escaped the session keeps the slave open).
        if await outputEnd.value(timeout: .seconds(1)) == nil {
            await SessionSignallerTask.killLeftovers(pty)
            if await !outputDrains(outputEnd) { pty.closeMaster() }
        }
        await output.value
        let serviceEnded = terminateReason != nil
        logger.info("shell exited", metadata: ["status": "\(status)"])
        await channel.send(Array(String(status).utf8), payloadType: .exitCode)
        // The session ends (task complete) once the client has everything: its output may still be far behind.
        if !serviceEnded, await !channel.waitUntilDelivered(stall: Self.deliveryStall) {
            logger.info("ending the session with output the client has not acknowledged",
                        metadata: ["stalled": "\(Self.deliveryStall)"])
        }
        await channel.sendControl(stateMessage(AgentSessionState.terminating))
        await env.controlSend(taskComplete(status: "Success", output: "exit status \(status)"))
        // Let the writer flush the last frames before closing.
        _ = await channel.waitUntilAcknowledged(timeout: .milliseconds(serviceEnded ? 50 : 300))
        await SessionSignallerTask.killLeftovers(pty)
        input.cancel()
        self.input?.close()
        await channel.close()
        pty.closeMaster()
    }

    /// After the shell exited and its session's processes were killed: whether the terminal's output ends by itself.
    /// False, for closing the terminal, once it has been quiet for a second while read (a process that left the
    /// session with setsid holds it open, and it would stay open for ever), or after 10 s in any case. Buffered output
    /// still draining to a slow client keeps it (reads held, or output within the second).
    func outputDrains(_ outputEnd: ExitStatusBox) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if await outputEnd.value(timeout: .milliseconds(250)) != nil { return true }
            if !outputHeld && ContinuousClock.now - lastOutputAt >= .seconds(1) { return false }
        }
        return false
    }

    /// A chunk of the terminal's output, on the loop that read it: the echo flag is checked (so gangwayd hears that
    /// echo went off before the password prompt it came with), then the chunk is framed and written in this turn.
    /// False (read no more) while the channel's send queue is over its limit; reading resumes when it drains.
    func outputArrived(_ chunk: [UInt8]) -> Bool {
        lastOutputAt = .now
        checkEcho()
        noteTerminalActivity()
        let complete = outputBoundary.complete(chunk)
        guard !complete.isEmpty, let channel else { return true }
        if channel.onLoop(complete, { $0.sendNow($1) }) { return true }
        let pty = self.pty
        outputHeld = true
        // On this loop (the actor's executor), so it runs after the reader has taken this `false` and paused.
        Task {
            await channel.waitForSendRoom()
            self.outputHeld = false
            pty?.output.resume()
        }
        return false
    }

    /// The terminal's output ended: sends what the UTF-8 boundary held and wakes `pump`.
    func outputFinished() {
        let rest = outputBoundary.flush()
        if !rest.isEmpty, let channel { channel.onLoop(rest) { _ = $0.sendNow($1) } }
        outputEnded = true
        let waiters = outputEndWaiters
        outputEndWaiters = []
        for w in waiters { w.resume() }
    }

    func waitForOutputEnd() async {
        if outputEnded { return }
        await withCheckedContinuation { outputEndWaiters.append($0) }
    }

    func pumpInput(pty: PTYProcess, channel: DataChannelConnection) async {
        for await event in channel.events {
            switch event {
            case .data(let type, let bytes):
                // Keystrokes (.output) go to `input`, the channel's data sink, not here.
                switch type {
                case .size:
                    if let size = try? PayloadJSON.decode(SizeData.self, from: bytes), size.cols > 0, size.rows > 0 {
                        pty.resize(cols: UInt16(clamping: size.cols), rows: UInt16(clamping: size.rows))
                    }
                case .flag:
                    if bytes.count == 4, UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
                        == PayloadFlag.terminateSession.rawValue {
                        await terminate(reason: "the client asked to terminate the session")
                    }
                default:
                    break
                }
            case .control(let message):
                if message.messageType == .channelClosed {
                    await terminate(reason: "gangwayd closed the channel")
                } else if message.messageType == .gangwayNotice, !message.payload.isEmpty {
                    await channel.send(message.payload)   // gangwayd's notice, shown in the user's terminal
                }
            case .disconnected(let error):
                if finished || terminateReason != nil { return }
                logger.info("data channel dropped (\(error.map { "\($0)" } ?? "no error")); resuming")
                if await !resumeChannel(channel) {
                    await terminate(reason: "the data channel could not be resumed")
                    return
                }
            case .closed:
                return
            }
        }
    }

    /// After the shell exits, how long the client may acknowledge nothing before the session ends without it.
    static let deliveryStall: Duration = .seconds(30)

    /// After the terminal's last output or keystroke, how long to wait before each further look at the echo flag
    /// (at 10, 50, 150, 400, 900 and 1,900 ms, then none until the next activity). The common script prompt
    /// `printf 'Password: '; stty -echo; read pw` prints while echo is still on, and `stty` turns it off a few
    /// milliseconds later with nothing printed: the first look comes well before a person has read the prompt and
    /// typed or pasted the secret, the later ones catch a slower program. Each look is one ioctl.
    static let echoRecheckDelays: [TimeAmount] = [.milliseconds(10), .milliseconds(40), .milliseconds(100),
                                                  .milliseconds(250), .milliseconds(500), .milliseconds(1000)]

    /// Output was read or a keystroke written: (re)start the delayed looks at the echo flag. One timer at a time;
    /// activity while it is pending only makes it start over when it fires, so a busy terminal costs one timer per
    /// 10 ms, not one per chunk or keystroke.
    func noteTerminalActivity() {
        if echoRecheck != nil {
            activitySinceEchoRecheck = true
            return
        }
        armEchoRecheck(stage: 0)
    }

    private func armEchoRecheck(stage: Int) {
        echoRecheckStage = stage
        activitySinceEchoRecheck = false
        echoRecheck = eventLoop.scheduleTask(in: Self.echoRecheckDelays[stage]) { [weak self] in
            self?.assumeIsolated { $0.echoRecheckFired() }
        }
    }

    private func echoRecheckFired() {
        echoRecheck = nil
        guard !finished, pty != nil else { return }
        checkEcho()
        if activitySinceEchoRecheck {
            armEchoRecheck(stage: 0)
        } else if echoRecheckStage + 1 < Self.echoRecheckDelays.count {
            armEchoRecheck(stage: echoRecheckStage + 1)
        }
    }

    /// Tells gangwayd when the terminal's echo flag changed (so it records input typed with echo off redacted). On
    /// the loop: before output is sent, and from the delayed looks after output and keystrokes.
    func checkEcho() {
        guard let pty, let echo = pty.echoEnabled, echo != lastEcho else { return }
        let first = lastEcho == nil
        lastEcho = echo
        if first && echo { return }  // echo on is the default gangwayd assumes
        sendEchoState(echo)
    }

    /// After the data channel came back: says the echo flag again, changed or not. A `gangway_echo_state` is not
    /// part of the acknowledged stream, so one sent while the socket was down (dropped) or in flight when it broke
    /// is gone, and gangwayd would go on redacting, or not, by the flag from before.
    func announceEcho() {
        guard let pty, let echo = pty.echoEnabled else { return }
        lastEcho = echo
        sendEchoState(echo)
    }

    private func sendEchoState(_ echo: Bool) {
        guard let channel else { return }
        let message = ClientMessage.control(type: .gangwayEchoState, payloadJSON: Array("{\"Echo\":\(echo)}".utf8),
                                            now: Self.epochMillis())
        channel.assumeIsolated { $0.sendControlNow(message) }
    }

    // MARK: messages

    func stateMessage(_ state: String) -> ClientMessage {
        (try? ClientMessage.control(type: .agentSessionState,
                                    payload: AgentSessionState(sessionState: state, sessionId: request.sessionId),
                                    now: Self.epochMillis()))
            ?? ClientMessage.control(type: .agentSessionState, payloadJSON: [], now: Self.epochMillis())
    }

    func taskComplete(status: String, output: String) -> ClientMessage {
        let body: [String: Any] = [
            "SchemaVersion": 1, "TaskId": request.sessionId, "Topic": "agent_task_complete", "FinalTaskStatus": status,
            "IsRoutingFailure": false, "AwsAccountId": "", "InstanceId": env.identity.instanceId, "Output": output,
            "S3Bucket": "", "S3UrlSuffix": "", "CwlGroup": "", "CwlStream": "", "RetryNumber": 0,
        ]
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])).map { Array($0) } ?? []
        return ClientMessage.control(type: .agentTaskComplete, payloadJSON: json, flags: 0, now: Self.epochMillis())
    }

    static func epochMillis() -> UInt64 { UInt64(max(1, Date().timeIntervalSince1970 * 1000)) }
}

/// Kills whatever is left of a finished shell's terminal session (background jobs) without waiting.
enum SessionSignallerTask {
    static func killLeftovers(_ pty: PTYProcess) async {
        let members = SessionSignaller.members(ofSession: pty.pid)
        guard !members.isEmpty else { return }
        SessionSignaller.signalSession(pty.pid, signal: SIGHUP)
        try? await Task.sleep(for: .milliseconds(100))
        SessionSignaller.signalSession(pty.pid, signal: SIGKILL)
    }
}

/// Hands the terminal's output to its session on the loop that read it (`PTYOutputConsumer`). Holds the session
/// until the output ends (the reader drops its consumer then).
struct ShellOutput: PTYOutputConsumer {
    let session: ShellSession

    func output(_ bytes: [UInt8]) -> Bool { session.onLoop(bytes) { $0.outputArrived($1) } }
    func outputEnded() { session.assumeIsolated { $0.outputFinished() } }
}
