import Foundation
import SessionCore
#if canImport(Glibc)
import Glibc
#endif

/// A stalled client that wakes up: reads gangwayd's (unmasked) frames from its raw socket and acknowledges each
/// output message the way a real client does, so the flow-control budget drains.
extension StalledClient {
    enum Received: Sendable {
        case message(ClientMessage)
        case closed
    }

    /// Reads one WebSocket message (binary only; pings and text are skipped), nil on timeout or error. Pings do
    /// not extend the timeout (gangwayd may ping more often than `seconds`).
    /// Blocking: call it through `readOutput` or `onOwnThread`, never on the cooperative pool.
    func readMessageBlocking(timeout seconds: Int) -> Received? {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while true {
            guard Date() < deadline else { return nil }
            guard let frame = readFrameBlocking(timeout: seconds) else { return .closed }
            switch frame.opcode {
            case 0x8: return .closed
            case 0x2:
                guard let m = try? ClientMessage.decode(frame.payload) else { return nil }
                return .message(m)
            default: continue   // ping, pong, text: not part of the stream
            }
        }
    }

    /// Reads one frame (gangwayd's are whole and unmasked): its opcode and payload; nil when the socket closed, failed
    /// or stayed silent for `seconds`. Blocking, as `readMessageBlocking`.
    func readFrameBlocking(timeout seconds: Int) -> (opcode: UInt8, payload: [UInt8])? {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard let head = readExactly(2) else { return nil }
        var length = Int(head[1] & 0x7F)
        if length == 126 {
            guard let ext = readExactly(2) else { return nil }
            length = Int(ext[0]) << 8 | Int(ext[1])
        } else if length == 127 {
            guard let ext = readExactly(8) else { return nil }
            length = ext.reduce(0) { $0 << 8 | Int($1) }
        }
        guard let payload = readExactly(length) else { return nil }
        return (head[0] & 0x0F, payload)
    }

    /// Sends each small write at once (no Nagle), so gangwayd's reads end where the writes do.
    func sendImmediately() {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sends a masked binary frame (clients must mask).
    func sendBinaryBlocking(_ bytes: [UInt8]) -> Bool {
        let frame = Self.maskedFrame(opcode: 0x2, payload: bytes)
        var off = 0
        while off < frame.count {
            let n = frame[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            off += n
        }
        return true
    }

    private func readExactly(_ n: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: n)
        var got = 0
        while got < n {
            let r = out[got...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard r > 0 else { return nil }
            got += r
        }
        return out
    }

    /// Reads and acknowledges output messages on a dedicated thread until `until` says stop (given all output so
    /// far), the socket closes, or nothing arrives for `idle` seconds. Returns the output messages in arrival order.
    func readOutput(idle: Int = 10, until: @escaping @Sendable ([ClientMessage]) -> Bool) async -> (output: [ClientMessage], closed: Bool) {
        await Self.onOwnThread {
            var output: [ClientMessage] = []
            var closed = false
            while !until(output) {
                guard let r = self.readMessageBlocking(timeout: idle) else { break }
                guard case .message(let m) = r else { closed = true; break }
                guard m.messageType == .outputStreamData else { continue }
                output.append(m)
                let ack = ClientMessage.acknowledging(m, now: UInt64(Date().timeIntervalSince1970 * 1000))
                guard self.sendBinaryBlocking(ack.encode()) else { closed = true; break }
            }
            return (output, closed)
        }
    }

    /// True once the peer has closed the connection (recv returns 0 or an error other than a timeout), draining
    /// whatever it had sent. Waits up to `seconds`.
    func peerClosed(within seconds: Int) async -> Bool {
        await Self.onOwnThread {
            var tv = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let deadline = Date().addingTimeInterval(TimeInterval(seconds))
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while Date() < deadline {
                let r = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                if r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return true }
            }
            return false
        }
    }
}
