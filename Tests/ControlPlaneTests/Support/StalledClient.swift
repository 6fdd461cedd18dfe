import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client on a raw TCP socket that completes the handshake, sends its opening text frame and then
/// never reads again: the way to test that gangwayd (not a client library) bounds what it buffers.
final class StalledClient: @unchecked Sendable {
    // @unchecked: `fd` is set once in init and only closed in `close()`.
    let fd: Int32

    /// Connects and completes the handshake on a thread of its own (`onOwnThread`). `thenFrames` (raw frames, see
    /// `maskedFrame`) go out in the same send(2) as the opening frame, so gangwayd reads them together with it.
    static func connect(host: String = "127.0.0.1", port: Int, path: String, openText: String,
                        thenFrames: [[UInt8]] = []) async throws -> StalledClient {
        try await onOwnThread {
            try StalledClient(host: host, port: port, path: path, openText: openText, thenFrames: thenFrames)
        }
    }

    /// Runs blocking socket work on a thread of its own, never on Swift's cooperative pool: gangwayd's WebSocket
    /// upgrade and socket tasks run there, and on a 2-core machine the pool has two threads. Two tests blocked in
    /// recv(2) on them (each waiting for its 101) wait for a gangwayd that cannot run: a CI run hung that way.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// `onOwnThread` for work that cannot fail.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    private init(host: String, port: Int, path: String, openText: String, thenFrames: [[UInt8]]) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var small: Int32 = 16 * 1024   // a small receive buffer so the stall shows quickly
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr(host)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw TestFailure("connect() failed: \(errno)") }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try sendAll(Array(request.utf8))
        var response: [UInt8] = []
        var byte: UInt8 = 0
        while !(response.count >= 4 && response.suffix(4) == [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { throw TestFailure("handshake: connection closed") }
            response.append(byte)
        }
        guard String(decoding: response, as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            throw TestFailure("handshake refused: \(String(decoding: response, as: UTF8.self))")
        }
        try sendAll(Self.maskedFrame(opcode: 0x1, payload: Array(openText.utf8)) + thenFrames.joined())
    }

    /// A client frame; `fin: false` starts or continues a fragmented message (opcode 0 for continuations).
    static func maskedFrame(opcode: UInt8, payload: [UInt8], fin: Bool = true) -> [UInt8] {
        var f: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let n = payload.count
        if n < 126 { f.append(0x80 | UInt8(n)) } else if n < 65536 {
            f += [0x80 | 126, UInt8(n >> 8), UInt8(n & 0xFF)]
        } else {
            f.append(0x80 | 127)
            for i in (0..<8).reversed() { f.append(UInt8((n >> (i * 8)) & 0xFF)) }
        }
        let mask: [UInt8] = [1, 2, 3, 4]
        f += mask
        for (i, b) in payload.enumerated() { f.append(b ^ mask[i % 4]) }
        return f
    }

    func sendAll(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestFailure("send() failed: \(errno)") }
            off += n
        }
    }

    func close() { _ = Glibc.close(fd) }
}
