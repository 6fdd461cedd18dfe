import AWSCore
import ChannelIO
import ConsoleCore
import Foundation
import Logging
import NIOCore
import SessionCore

/// One interactive Session Manager shell from the client side: StartSession, the data channel
/// (ChannelIO's `DataChannelConnection`), remote exit code, `channel_closed`, and resume with
/// ResumeSession when the socket drops. Used by `gangway connect` and by the console's panes
/// (it is the console's `ShellChannel`).
///
/// ```swift
/// let shell = try await SSMShellSession.start(ssm: ssm, target: "mi-…", cols: 120, rows: 40)
/// for await event in shell.output { … }   // .data(bytes)…, then .exited(code:message:)
/// ```
public actor SSMShellSession: ShellChannel {
    public nonisolated let sessionId: String
    public nonisolated let target: String
    public nonisolated let output: AsyncStream<ShellEvent>
    /// Status lines for the user that are not part of the remote screen ("connection lost, resuming…").
    public nonisolated let notices: AsyncStream<String>

    /// The event loop of the session's data channel: code that feeds the session from a thread of its own (the
    /// terminal reader) hands its bytes over here, so the task forwarding them runs where the socket is written.
    public nonisolated var eventLoop: any EventLoop { channel.eventLoop }

    private let continuation: AsyncStream<ShellEvent>.Continuation
    /// Output taken from the channel but not yet read from `output`: at most this much waits here.
    private let outputGate = ShellOutputGate(limit: SSMShellSession.maxUnreadOutputBytes)
    /// Unread output after which the session stops taking more from the data channel (and so from the socket).
    /// Small: everything buffered on the way must be drawn before a Ctrl-C's effect shows.
    public static let maxUnreadOutputBytes = 256 << 10
    private let noticeContinuation: AsyncStream<String>.Continuation
    private let ssm: SSMClient
    private let channel: DataChannelConnection
    private let clientId: String
    private let logger: Logger
    private let resumeWindow: Duration
    private var exitCode: Int32?
    private var finished = false
    private var pump: Task<Void, Never>?

    /// Warnings only (the channel's info lines would land in the user's terminal); GANGWAY_LOG_LEVEL overrides.
    public static func defaultLogger() -> Logger {
        var logger = Logger(label: "gangway.connect")
        logger.logLevel = ProcessInfo.processInfo.environment["GANGWAY_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }

    /// Client version reported in OpenDataChannelInput (real agents want > 1.2.331.0).
    public static let clientVersion = "1.2.650.0"

    /// Starts a session on `target` and opens its data channel.
    /// - Parameters:
    ///   - tls: for wss:// stream URLs with a private CA or an IP address host.
    ///   - resumeWindow: how long to keep trying ResumeSession after the socket drops.
    ///   - directOutput: takes the remote output (and stderr) on the data channel's loop as it is read, instead of
    ///     `output` (which then carries only `.exited`); `gangway connect` writes it straight to the terminal.
    public static func start(ssm: SSMClient, target: String, reason: String? = nil, documentName: String? = nil,
                             cols: Int, rows: Int, tls: ChannelTLS? = nil, resumeWindow: Duration = .seconds(300),
                             directOutput: (any DataChannelSink)? = nil,
                             logger: Logger = SSMShellSession.defaultLogger()) async throws -> SSMShellSession {
        let info = try await ssm.startSession(target: target, documentName: documentName, reason: reason)
        guard let token = info.TokenValue, !token.isEmpty, let stream = info.StreamUrl, let url = URL(string: stream) else {
            throw ShellSessionError.noStream(sessionId: info.SessionId)
        }
        let clientId = UUID().uuidString.lowercased()
        let opening = try OpenDataChannelInput.client(requestId: UUID().uuidString.lowercased(), tokenValue: token,
                                                      clientId: clientId, clientVersion: clientVersion).jsonText()
        let channel = DataChannelConnection(url: url, openingFrame: opening, role: .client, tls: tls,
                                            maxBufferedEventBytes: maxUnreadOutputBytes, dataSink: directOutput,
                                            logger: logger)
        do {
            try await channel.connect()
        } catch {
            _ = try? await ssm.terminateSession(sessionId: info.SessionId)
            throw ShellSessionError.cannotOpenChannel(sessionId: info.SessionId, url: stream, reason: "\(error)")
        }
        let session = SSMShellSession(ssm: ssm, channel: channel, sessionId: info.SessionId, target: target,
                                      clientId: clientId, resumeWindow: resumeWindow, logger: logger)
        await channel.send(SizeData(cols: UInt32(clamping: cols), rows: UInt32(clamping: rows)).jsonBytes(), payloadType: .size)
        await session.startPump()
        return session
    }

    init(ssm: SSMClient, channel: DataChannelConnection, sessionId: String, target: String, clientId: String,
         resumeWindow: Duration, logger: Logger) {
        self.ssm = ssm
        self.channel = channel
        self.sessionId = sessionId
        self.target = target
        self.clientId = clientId
        self.resumeWindow = resumeWindow
        self.logger = logger
        let (events, continuation) = AsyncStream.makeStream(of: ShellEvent.self, bufferingPolicy: .unbounded)
        self.continuation = continuation
        output = outputGate.reading(events)
        (notices, noticeContinuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(16))
    }

    private func startPump() {
        pump = Task { await self.runPump() }
    }

    // MARK: ShellChannel

    public func send(_ bytes: [UInt8]) async {
        guard !finished else { return }
        await channel.send(bytes, payloadType: .output)
    }

    /// `send` from code already on `eventLoop` (inside `eventLoop.execute`): the keystroke is framed and written in
    /// that turn of the loop, without a task. Returns false when the channel's send queue is over its limit: stop
    /// producing until `waitForSendRoom()` returns. Must run on `eventLoop`.
    public nonisolated func sendOnLoop(_ bytes: [UInt8]) -> Bool {
        channel.onLoop(bytes) { $0.sendNow($1, payloadType: .output) }
    }

    /// Returns once the data channel's send queue has room again (or the session ended).
    public func waitForSendRoom() async {
        await channel.waitForSendRoom()
    }

    public func resize(cols: Int, rows: Int) async {
        guard !finished else { return }
        await channel.send(SizeData(cols: UInt32(clamping: cols), rows: UInt32(clamping: rows)).jsonBytes(), payloadType: .size)
    }

    /// Drops the data channel's socket without ending the session, as a network failure would: the session resumes
    /// (ResumeSession and a new socket) and nothing is lost or repeated. For tests, and for a client that detects a
    /// dead connection itself.
    public func dropConnection() async {
        await channel.dropConnection()
    }

    /// Terminates the session on the server and closes the channel.
    public func close() async {
        await terminate(message: nil)
    }

    /// TerminateSession (best effort), close the channel, and end `output` with `message`.
    public func terminate(message: String?) async {
        if !finished { _ = try? await ssm.terminateSession(sessionId: sessionId) }
        await finish(code: exitCode, message: message)
    }

    // MARK: event pump

    private func runPump() async {
        for await event in channel.events {
            if finished { return }
            switch event {
            case .data(let type, let bytes):
                switch type {
                case .output, .stdErr:
                    continuation.yield(.data(bytes))
                    await outputGate.produced(bytes.count)
                case .exitCode:
                    exitCode = Int32(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                default: logger.debug("ignoring stream payload \(type)")
                }
            case .control(let message):
                if message.messageType == .channelClosed {
                    let closed = try? message.decodePayload(ChannelClosed.self)
                    let text = closed?.output ?? ""
                    await finish(code: exitCode, message: text.isEmpty ? nil : text)
                    return
                }
            case .disconnected(let error):
                if case .closedByPeer(_, let reason)? = error as? DataChannelError, reason == DataChannelClose.replaced {
                    // Someone resumed this session elsewhere: taking it back would start a tug of war.
                    await finish(code: exitCode, message: "Session \(sessionId) was resumed by another connection; this one let it go.")
                    return
                }
                if await !resume(after: error) { return }
            case .closed:
                await finish(code: exitCode, message: nil)
                return
            }
        }
        await finish(code: exitCode, message: nil)
    }

    /// Stream bytes received from the agent so far (output, exit code, …).
    public var bytesReceived: Int {
        get async { await channel.counters.bytesDelivered }
    }

    /// ResumeSession + reconnect with backoff until it works or `resumeWindow` passes. False when the session is over.
    private func resume(after error: (any Error)?) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: resumeWindow)
        var delay = Duration.milliseconds(200)
        let cause = (error as? DataChannelError)?.cause ?? error.map { "\($0)" } ?? "socket closed"
        noticeContinuation.yield("connection to the session lost (\(cause)); resuming…")
        while !finished, ContinuousClock.now < deadline {
            do {
                let info = try await ssm.resumeSession(sessionId: sessionId)
                guard let token = info.TokenValue, !token.isEmpty else {
                    // The session is over. gangwayd says why in DescribeSessions (e.g. it was restarted after a
                    // crash); AWS's plugin, with no such detail, says it timed out.
                    let why = exitCode == nil ? await endedDetails() ?? "Session \(sessionId) timed out." : nil
                    await finish(code: exitCode, message: why)
                    return false
                }
                let opening = try OpenDataChannelInput.client(requestId: UUID().uuidString.lowercased(), tokenValue: token,
                                                              clientId: clientId, clientVersion: Self.clientVersion).jsonText()
                try await channel.reconnect(openingFrame: opening)
                noticeContinuation.yield("session \(sessionId) resumed")
                return true
            } catch let aws as AWSError where aws.status >= 400 && aws.status < 500 && aws.code != "ThrottlingException" {
                // The service says the session cannot be resumed (terminated, unknown): it is over.
                await finish(code: exitCode, message: exitCode == nil ? "Session \(sessionId) ended: \(aws.message.isEmpty ? aws.code : aws.message)" : nil)
                return false
            } catch {
                logger.debug("resume of \(sessionId) failed: \(error)")
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
        if !finished {
            await finish(code: exitCode, message: "could not resume session \(sessionId) within \(resumeWindow); it may still be running: end it with `gangway sessions` / TerminateSession")
        }
        return false
    }

    /// Why the session ended, from its Details in DescribeSessions (History); nil when the service does not say.
    private func endedDetails() async -> String? {
        let found = try? await ssm.describeSessions(state: "History", filters: [SessionFilter(key: "SessionId", value: sessionId)],
                                                    maxResults: 1)
        guard let details = found?.sessions.first(where: { $0.SessionId == sessionId })?.Details, !details.isEmpty
        else { return nil }
        return details
    }

    private func finish(code: Int32?, message: String?) async {
        guard !finished else { return }
        finished = true
        continuation.yield(.exited(code: code, message: message))
        continuation.finish()
        outputGate.open()
        noticeContinuation.finish()
        await channel.close()
    }
}

public enum ShellSessionError: Error, Sendable, CustomStringConvertible {
    case noStream(sessionId: String)
    case cannotOpenChannel(sessionId: String, url: String, reason: String)

    public var description: String {
        switch self {
        case .noStream(let id):
            return "StartSession returned no stream URL or token for session \(id); the server may not support interactive sessions"
        case .cannotOpenChannel(let id, let url, let reason):
            return "cannot open the data channel of session \(id) at \(url): \(reason) (the session was terminated)"
        }
    }
}
