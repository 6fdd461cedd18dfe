import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on 127.0.0.1:<ephemeral> in front of a local port, for tests that need to cut one kind of connection
/// while the others stay up: each accepted connection is relayed byte for byte (two threads), and remembers the first
/// line its client sent (for HTTP, the request line), so `cut(where:)` can shut down, say, the agent's data-channel
/// WebSocket and leave its control channel alone. New connections keep being relayed after a cut.
public final class CuttableTCPProxy: @unchecked Sendable {
    // @unchecked: every `var` below is guarded by `lock`; `fd`, `port` and `targetPort` are set once.
    private struct Relayed {
        var client: Int32
        var upstream: Int32
        var firstLine: String
    }

    public let port: Int
    private let targetPort: Int
    private let fd: Int32
    private let lock = NSLock()
    private var connections: [Int: Relayed] = [:]
    private var nextId = 0
    private var stopped = false
    private var refusing: (@Sendable (String) -> Bool)?
    private var stalled: Set<Int> = []
    private var seen: [String] = []

    public init(to targetPort: Int) throws {
        self.targetPort = targetPort
        (fd, port) = try LoopbackListener.open()
        Thread { [self] in self.acceptLoop() }.start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Shuts down (both ways) every live connection whose first line satisfies `matches`; returns how many.
    @discardableResult
    public func cut(where matches: (String) -> Bool) -> Int {
        lock.lock()
        defer { lock.unlock() }
        var n = 0
        for (_, c) in connections where matches(c.firstLine) {
            shutdown(c.client, Int32(SHUT_RDWR))
            shutdown(c.upstream, Int32(SHUT_RDWR))
            n += 1
        }
        return n
    }

    /// From now on, new connections whose first line satisfies `matches` are closed as soon as that line is read (as
    /// if the server were unreachable for them); `nil` relays everything again.
    public func refuse(where matches: (@Sendable (String) -> Bool)?) {
        lock.lock()
        refusing = matches
        lock.unlock()
    }

    /// From now on, whatever either side of the live connections whose first line satisfies `matches` sends is read
    /// and dropped: the connections stay open but carry nothing, like a network path that died without a FIN or RST.
    /// Returns how many connections that stalls.
    @discardableResult
    public func stall(where matches: (String) -> Bool) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let ids = connections.filter { matches($0.value.firstLine) }.map(\.key)
        stalled.formUnion(ids)
        return ids.count
    }

    /// The first lines of every connection relayed so far, in order.
    public var firstLinesSeen: [String] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }

    /// The first lines of the connections relayed now.
    public var liveFirstLines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return connections.values.map(\.firstLine)
    }

    /// Stops accepting and cuts every connection. Idempotent; the accept thread closes the listening descriptor
    /// (see `LoopbackHTTPServer.stop`).
    public func stop() {
        lock.lock()
        let first = !stopped
        stopped = true
        lock.unlock()
        guard first else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        cut { _ in true }
    }

    private func acceptLoop() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                break
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = LoopbackListener.address(port: targetPort)
            let connected = upstream >= 0 && withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            } == 0
            lock.lock()
            let live = !stopped
            lock.unlock()
            guard connected, live else {
                close(client)
                if upstream >= 0 { close(upstream) }
                continue
            }
            Thread { [self] in self.serve(client: client, upstream: upstream) }.start()
        }
        close(fd)
    }

    /// Reads the client's first line, registers the connection, then relays both ways until either side ends.
    private func serve(client: Int32, upstream: Int32) {
        var first: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        // Up to the first newline (or 8 KiB): the HTTP request line.
        while !first.contains(0x0A) && first.count < 8192 {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { close(client); close(upstream); return }
            first += buffer[..<n]
        }
        let line = String(decoding: first.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        lock.lock()
        if let refusing, refusing(line) {
            lock.unlock()
            close(client)
            close(upstream)
            return
        }
        let id = nextId
        nextId += 1
        connections[id] = Relayed(client: client, upstream: upstream, firstLine: line)
        seen.append(line)
        lock.unlock()
        if Self.writeAll(upstream, first) {
            let back = Thread { [self] in
                pump(id, from: upstream, to: client)
                shutdown(client, Int32(SHUT_RDWR))
            }
            back.start()
            pump(id, from: client, to: upstream)
            shutdown(upstream, Int32(SHUT_RDWR))
            // Wait for the other direction to end before closing the descriptors it uses.
            while !back.isFinished { usleep(1000) }
        }
        lock.lock()
        connections[id] = nil
        stalled.remove(id)
        lock.unlock()
        close(client)
        close(upstream)
    }

    private func pump(_ id: Int, from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(from, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            lock.lock()
            let drop = stalled.contains(id)
            lock.unlock()
            if drop { continue }
            if !Self.writeAll(to, Array(buffer[..<n])) { return }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }
}
