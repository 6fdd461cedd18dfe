import ChannelIO
import Foundation
import Logging
import SessionCore

/// A test-side Session Manager client: StartSession/ResumeSession over SigV4, the data channel over ChannelIO,
/// output collected into one buffer.
final class ShellClient: @unchecked Sendable {
    // @unchecked: `output`, `exitCode` and `closedOutput` are guarded by `lock`.
    let cluster: Cluster
    let sessionId: String
    let streamURL: URL
    let channel: DataChannelConnection
    private let lock = NSLock()
    private var output: [UInt8] = []
    private var exitCodeText: String?
    private var channelClosed = false
    private var closedText = ""
    private var reader: Task<Void, Never>?

    init(cluster: Cluster, target: String) async throws {
        self.cluster = cluster
        let r = try await cluster.call("StartSession", ["Target": target])
        guard let id = r["SessionId"] as? String, let token = r["TokenValue"] as? String,
              let stream = r["StreamUrl"] as? String, let url = URL(string: stream) else {
            throw HarnessError("StartSession returned \(r)")
        }
        sessionId = id
        streamURL = url
        var logger = Logger(label: "e2e-client")
        logger.logLevel = .warning
        channel = DataChannelConnection(url: url, openingFrame: try Self.opening(token), role: .client, logger: logger)
        try await channel.connect()
        reader = Task { [weak self] in
            guard let events = self?.channel.events else { return }
            for await event in events {
                guard let self else { return }
                switch event {
                case .data(let type, let bytes):
                    self.lock.withLock {
                        if type == .output { self.output += bytes }
                        if type == .exitCode { self.exitCodeText = String(decoding: bytes, as: UTF8.self) }
                    }
                case .control(let m):
                    if m.messageType == .channelClosed {
                        let text = String(decoding: m.payload, as: UTF8.self)
                        self.lock.withLock { self.channelClosed = true; self.closedText = text }
                    }
                case .disconnected, .closed:
                    break
                }
            }
        }
    }

    static func opening(_ token: String) throws -> String {
        try OpenDataChannelInput.client(requestId: UUID().uuidString.lowercased(), tokenValue: token,
                                        clientId: UUID().uuidString.lowercased()).jsonText()
    }

    func resize(cols: UInt32, rows: UInt32) async {
        await channel.send(SizeData(cols: cols, rows: rows).jsonBytes(), payloadType: .size)
    }

    func type(_ text: String) async { await channel.send(Array(text.utf8)) }

    var bytes: [UInt8] { lock.withLock { output } }
    var count: Int { lock.withLock { output.count } }
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var exitCode: String? { lock.withLock { exitCodeText } }
    var closed: Bool { lock.withLock { channelClosed } }
    /// The channel_closed message's payload (its JSON carries gangwayd's reason in `Output`).
    var closedReason: String { lock.withLock { closedText } }

    /// Waits until the output (from byte `from`) contains `needle`; returns the index just after it.
    func waitFor(_ needle: String, from: Int = 0, timeout: Duration = .seconds(20)) async throws -> Int {
        let n = Array(needle.utf8)
        var searched = from
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found: Int? = lock.withLock {
                let start = max(from, searched - n.count)
                defer { searched = output.count }
                guard output.count - start >= n.count else { return nil }
                var i = start
                while i + n.count <= output.count {
                    if output[i] == n[0] && Array(output[i..<(i + n.count)]) == n { return i + n.count }
                    i += 1
                }
                return nil
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("timed out waiting for \(needle.debugDescription); output so far ends with: \(String(decoding: bytes.suffix(300), as: UTF8.self).debugDescription)")
    }

    /// Drops the socket and resumes it with a ResumeSession token.
    func dropAndResume() async throws {
        await channel.dropConnection()
        let r = try await cluster.call("ResumeSession", ["SessionId": sessionId])
        guard let token = r["TokenValue"] as? String else { throw HarnessError("ResumeSession returned \(r)") }
        try await channel.reconnect(openingFrame: try Self.opening(token))
    }

    func close() async {
        await channel.close()
        reader?.cancel()
    }

    /// Types `exit`, waits up to 20 s for gangwayd to end the session (`channel_closed`), and closes this client.
    /// False when the session did not end.
    func exitAndClose() async -> Bool {
        await type("exit\n")
        let ended = await eventually(timeout: .seconds(20)) { closed }
        await close()
        return ended
    }
}
