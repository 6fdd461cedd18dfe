import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny blocking HTTP/1.1 server on 127.0.0.1:<ephemeral> for tests: one thread, one request per
/// connection (`Connection: close`), requests recorded, responses from a handler.
public final class LoopbackHTTPServer: @unchecked Sendable {
    // @unchecked: `recorded`, `handler` and `stopped` are guarded by `lock`; the fd is set once before the thread starts.
    public struct Request: Sendable {
        public var method: String
        public var target: String
        public var headers: [(String, String)]
        public var body: [UInt8]
        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "/") }
        public var query: String { target.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? "" }
        public func header(_ n: String) -> String? { headers.first { $0.0.lowercased() == n.lowercased() }?.1 }
    }
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        /// Seconds to wait before answering (timeout tests).
        public var delay: Double

        public init(status: Int = 200, headers: [(String, String)] = [("Content-Type", "application/x-amz-json-1.1")],
                    body: [UInt8] = Array("{}".utf8), delay: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }

        /// A 200 JSON answer.
        public static func json(_ text: String, status: Int = 200) -> Response { Response(status: status, body: Array(text.utf8)) }
    }

    public let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var handler: @Sendable (Request) -> Response

    public init(handler: @escaping @Sendable (Request) -> Response = { _ in Response() }) throws {
        self.handler = handler
        (fd, port) = try LoopbackListener.open()
        let t = Thread { [self] in self.acceptLoop() }
        t.start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public var requests: [Request] { lock.lock(); defer { lock.unlock() }; return recorded }

    private var stopped = false

    /// Idempotent. Only shuts the listening socket down, which ends the accept thread's `accept(2)` with an error;
    /// that thread closes the descriptor. Closed here, its number could be given to the next test's listening socket
    /// while this server's thread was still serving a request, and that thread's next `accept(2)` would then take
    /// (and answer, with this server's handler) the other test's requests: a retry test got another test's response.
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    deinit { stop() }

    private func acceptLoop() {
        defer {
            lock.lock()
            stopped = true  // so a later stop() (or deinit) never shuts down a number that is no longer ours
            lock.unlock()
            close(fd)
        }
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { if errno == EINTR && !isStopped { continue }; return }
            if isStopped { close(c); return }
            serve(c)
            close(c)
        }
    }

    private func serve(_ c: Int32) {
        var buf = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int? = nil
        // EINTR is retried: the test process gets SIGCHLD from other tests' children, and a read cut short by one
        // once made a request body look empty (the pagination test then saw a page twice).
        while headerEnd == nil {
            let n = read(c, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            buf += chunk[0..<n]
            if let r = find(buf, Array("\r\n\r\n".utf8)) { headerEnd = r }
        }
        let head = String(decoding: buf[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let start = lines.removeFirst().split(separator: " ")
        guard start.count >= 2 else { return }
        let headers = lines.compactMap { l -> (String, String)? in
            guard let colon = l.firstIndex(of: ":") else { return nil }
            return (String(l[..<colon]), l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        var body = Array(buf[(headerEnd! + 4)...])
        while body.count < length {
            let n = read(c, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            body += chunk[0..<n]
        }
        let req = Request(method: String(start[0]), target: String(start[1]), headers: headers, body: body)
        lock.lock()
        recorded.append(req)
        let h = handler
        lock.unlock()
        let resp = h(req)
        if resp.delay > 0 { Thread.sleep(forTimeInterval: resp.delay) }
        var out = "HTTP/1.1 \(resp.status) X\r\nContent-Length: \(resp.body.count)\r\nConnection: close\r\n"
        for (k, v) in resp.headers { out += "\(k): \(v)\r\n" }
        out += "\r\n"
        let bytes = Array(out.utf8) + resp.body
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(c, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
    }

    private func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<i + needle.count].elementsEqual(needle) { return i }
        return nil
    }

    /// A port bound on 127.0.0.1 without listening: connecting to it is refused, and it stays
    /// reserved (no server of another test can get it) until this value is released.
    public final class ReservedPort: @unchecked Sendable {
        // @unchecked: immutable after init.
        public let port: Int
        private let fd: Int32
        public init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
            }
            self.fd = fd
            port = Int(UInt16(bigEndian: addr.sin_port))
        }
        deinit { close(fd) }
    }
}
