import Foundation
import NIOCore

/// Liveness of the data channel's socket. A path that dies without a FIN or RST (a NAT or firewall that dropped the
/// connection's state, a partition) leaves a socket that looks open and carries nothing: keystrokes vanish, the agent
/// waits for input that never comes, and TCP itself gives up only after ~15 minutes of unanswered retransmissions
/// (and never, on a socket with nothing to send). So: after `Keepalive.pingAfter` with nothing heard from the server,
/// a WebSocket ping (which also keeps NAT state alive on an idle session); after `Keepalive.deadAfter` of silence,
/// the socket is dropped as lost, and the owner resumes as after any drop (the agent with a new token, `gangway
/// connect` with ResumeSession), resending what was not acknowledged.
extension DataChannelConnection {
    struct Keepalive: Sendable {
        /// Silence after which a ping is sent.
        var pingAfter: TimeAmount
        /// Silence after which the socket is dropped as lost (at least one ping earlier).
        var deadAfter: TimeAmount
        /// How often the silence is looked at.
        var every: TimeAmount

        static let standard = Keepalive(pingAfter: .seconds(20), deadAfter: .seconds(35), every: .seconds(5))

        /// `GANGWAY_DATA_KEEPALIVE=PING,DEAD,EVERY` (seconds, fractions allowed) in the environment overrides the
        /// standard figures: tests shorten them to watch a stalled path dropped.
        static let current: Keepalive = {
            guard let text = ProcessInfo.processInfo.environment["GANGWAY_DATA_KEEPALIVE"] else { return .standard }
            let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, parts.allSatisfy({ $0 > 0 }), parts[0] < parts[1] else { return .standard }
            func amount(_ s: Double) -> TimeAmount { .nanoseconds(Int64(s * 1e9)) }
            return Keepalive(pingAfter: amount(parts[0]), deadAfter: amount(parts[1]), every: amount(parts[2]))
        }()
    }

    func startKeepalive(_ socket: ChannelWebSocket, generation gen: Int) {
        stopKeepalive()
        let keepalive = Keepalive.current
        keepaliveTask = eventLoop.scheduleRepeatedTask(initialDelay: keepalive.every, delay: keepalive.every) {
            [weak self] _ in
            self?.assumeIsolated { $0.checkLiveness(socket, generation: gen, keepalive) }
        }
    }

    func stopKeepalive() {
        keepaliveTask?.cancel()
        keepaliveTask = nil
    }

    private func checkLiveness(_ socket: ChannelWebSocket, generation gen: Int, _ keepalive: Keepalive) {
        guard gen == generation, case .open(let current) = state, current === socket else { return }
        socket.keepAlive(pingAfter: keepalive.pingAfter, deadAfter: keepalive.deadAfter) { silence in
            // Info, not a warning: the owner hears of it as a disconnect and tells its user (`gangway connect` prints
            // a notice, the agent logs the resume).
            let seconds = String(format: "%.1f", Double(silence.nanoseconds) / 1e9)
            logger.info("data channel: nothing heard from the server for \(seconds) s; dropping the socket")
            stopKeepalive()
        }
    }
}
