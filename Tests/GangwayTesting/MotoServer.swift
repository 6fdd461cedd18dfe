import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real `moto_server` (pip `moto[server]`, installed by `.ci/deps --test`) on 127.0.0.1 and a free port, for
/// S3 tests. Stop it (and start it again on the same port, with empty state) to simulate an S3 outage.
///
/// ```swift
/// guard let moto = try await MotoServer.start() else { print(MotoServer.missingMessage); return }
/// defer { moto.stopBlocking() }
/// ```
/// The async calls wait for moto (a ~2 s Python start, a 3 s stop) on a thread of their own: blocking one of Swift's
/// cooperative threads (two on this machine) stalled every other test in the process for seconds.
/// ```swift
/// ```
public final class MotoServer: @unchecked Sendable {
    // @unchecked: `process` is guarded by `lock`.
    public static let missingMessage = "skipped: moto_server not found (install with `bash .ci/deps --test`, pip moto[server])"

    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    private let command: [String]
    private let lock = NSLock()
    private var process: Process?

    /// True when `moto_server` (or `python3 -m moto.server`) can run here; for `@Test(.enabled(if:))`.
    public static let isAvailable: Bool = findCommand() != nil

    /// One moto per test process for tests that never stop it (use distinct bucket names); stopped at exit.
    /// Saves a ~2 s Python start per test on a 2-core machine. Tests that stop or restart moto start their own.
    public static func shared() async throws -> MotoServer? {
        try await offPool { try sharedBlocking() }
    }

    private static func sharedBlocking() throws -> MotoServer? {
        try sharedBox.withLock { box in
            if let s = box.server { return s }
            guard let s = try startBlocking() else { return nil }
            box.server = s
            atexit { MotoServer.sharedBox.withLock { $0.server?.stopBlocking() } }
            return s
        }
    }

    /// Runs blocking work on a new thread, never on the cooperative pool.
    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { cont in
            Thread { cont.resume(with: Result { try body() }) }.start()
        }
    }

    private final class SharedBox: @unchecked Sendable {
        // @unchecked: `server` is only touched inside `withLock`.
        let lock = NSLock()
        var server: MotoServer?
        func withLock<T>(_ body: (SharedBox) throws -> T) rethrows -> T { lock.lock(); defer { lock.unlock() }; return try body(self) }
    }
    private static let sharedBox = SharedBox()

    /// Starts moto on a free port and waits until it accepts connections; nil when moto is not installed.
    public static func start(timeout: Double = 20) async throws -> MotoServer? {
        try await offPool { try startBlocking(timeout: timeout) }
    }

    private static func startBlocking(timeout: Double = 20) throws -> MotoServer? {
        guard let command = findCommand() else { return nil }
        let server = MotoServer(port: try freePort(), command: command)
        try server.restartBlocking(timeout: timeout)
        return server
    }

    init(port: Int, command: [String]) {
        self.port = port
        self.command = command
    }

    deinit { stopBlocking() }

    /// (Re)starts moto on `port` (state starts empty) and waits until it listens.
    public func restart(timeout: Double = 20) async throws {
        try await Self.offPool { [self] in try restartBlocking(timeout: timeout) }
    }

    private func restartBlocking(timeout: Double) throws {
        stopBlocking()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = command + ["-H", "127.0.0.1", "-p", String(port)]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        lock.withLock { process = p }
        let deadline = Date().addingTimeInterval(timeout)
        while !Self.accepts(port: port) {
            guard p.isRunning, Date() < deadline else {
                stopBlocking()
                throw MotoServerError("moto_server did not listen on 127.0.0.1:\(port) within \(timeout) s")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Stops moto (SIGTERM, then SIGKILL after 3 s) and waits for it to exit.
    public func stop() async {
        _ = try? await Self.offPool { [self] in stopBlocking() }
    }

    /// `stop()` for synchronous places (deinit, `defer`, atexit).
    public func stopBlocking() {
        guard let p = lock.withLock({ () -> Process? in defer { process = nil }; return process }) else { return }
        guard p.isRunning else { return }
        p.terminate()
        let deadline = Date().addingTimeInterval(3)
        while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    static func findCommand() -> [String]? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/moto_server") {
            return ["\(dir)/moto_server"]
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import moto.server, flask"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? ["python3", "-m", "moto.server"] : nil
    }

    /// A port that was free a moment ago, below the kernel's ephemeral range and never handed out twice in this
    /// process. (It used to be bound to 127.0.0.1:0 and released: while moto took its second to start, a gangwayd of
    /// a parallel test could be given the same port by the kernel; moto then failed to bind, the readiness probe
    /// connected to gangwayd, and every S3 call of the suite got gangwayd's plain 404s — a red CI run.)
    public static func freePort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000)  // ip_local_port_range starts at 32768
            guard reserved.withLock({ $0.insert(port).inserted }) else { continue }
            if canBind(port: port) { return port }
        }
        throw MotoServerError("no free port in 20000–31999 after 200 tries")
    }

    private static let reserved = Mutex<Set<Int>>([])

    static func canBind(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = loopback(port: port)
        return withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = loopback(port: port)
        return withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }
}

public struct MotoServerError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
