// Measures (1) append rate with fdatasync and group commit under concurrent appenders,
// (2) offline verify rate of a 1M-record log. Prints one line per figure.
import AuditLog
import Foundation
import Recording

let args = CommandLine.arguments
let base = URL(fileURLWithPath: args.count > 1 ? args[1] : FileManager.default.currentDirectoryPath)
    .appendingPathComponent("audit-bench-\(getpid())")
let appendEvents = Int(ProcessInfo.processInfo.environment["BENCH_APPEND_EVENTS"] ?? "") ?? 100_000
let appenders = Int(ProcessInfo.processInfo.environment["BENCH_APPENDERS"] ?? "") ?? 256
let verifyEvents = Int(ProcessInfo.processInfo.environment["BENCH_VERIFY_EVENTS"] ?? "") ?? 1_000_000
defer { if ProcessInfo.processInfo.environment["BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: base) } }

func event(_ i: Int) -> AuditEvent {
    let user = "user\(i % 50)"
    let target = "mi-0123456789abcd\(String(i % 1000, radix: 16))"
    return AuditEvent(eventTime: Date(timeIntervalSince1970: 1_800_000_000 + Double(i) / 100),
                      eventSource: "ssm.amazonaws.com", eventName: i % 3 == 0 ? "StartSession" : "DescribeSessions",
                      sourceIPAddress: "10.0.\(i % 256).\(i % 200)", userAgent: "aws-cli/2.15.0 Python/3.11 Linux/6.1",
                      userIdentity: .init(type: "IAMUser", principalId: user, accessKeyId: "AKGW\(user.uppercased())",
                                          userName: user),
                      requestParameters: .object([("target", .string(target)), ("reason", .string("ticket OPS-\(i)"))]),
                      responseElements: .object([("sessionId", .string("\(user)-\(i)"))]),
                      resources: [.init(type: AuditEvent.instanceResourceType, name: target),
                                  .init(type: AuditEvent.sessionResourceType, name: "\(user)-\(i)")])
}

// (1) append with fsync + group commit
do {
    let dir = base.appendingPathComponent("append")
    let store = try AuditStore(options: .init(directory: dir.appendingPathComponent("audit"),
                                              keyFile: dir.appendingPathComponent("key")))
    let perTask = appendEvents / appenders
    let started = Date()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for t in 0..<appenders {
            group.addTask { for i in 0..<perTask { try await store.append(event(t * perTask + i)) } }
        }
        try await group.waitForAll()
    }
    try await store.close()
    let seconds = Date().timeIntervalSince(started)
    let n = perTask * appenders
    print(String(format: "append: %d events, %d concurrent appenders, fdatasync per batch: %.0f events/s "
                 + "(%d syncs, %.0f events per sync, %.2f s)",
                 n, appenders, Double(n) / seconds, store.syncCount, Double(n) / Double(store.syncCount), seconds))
    let single = try AuditStore(options: .init(directory: dir.appendingPathComponent("audit-single"),
                                               keyFile: dir.appendingPathComponent("key")))
    let s0 = Date()
    for i in 0..<500 { try await single.append(event(i)) }
    let s1 = Date().timeIntervalSince(s0)
    print(String(format: "append: one appender waiting for each fsync: %.0f events/s (%.2f ms per fsync)",
                 500 / s1, s1 / 500 * 1000))
}

// (2) verify 1M records: written with the same chain encoder straight to segment files (no fsync, to save time)
do {
    let dir = base.appendingPathComponent("verify")
    let auditDir = dir.appendingPathComponent("audit")
    try FileManager.default.createDirectory(at: auditDir, withIntermediateDirectories: true)
    let key = try AuditSigningKey.loadOrCreate(at: dir.appendingPathComponent("key"))
    var chain = AuditChain(now: Date(), key: key)
    var segment = 1
    var buffer: [UInt8] = []
    var total = 0
    func flush(_ seal: Bool) throws {
        if seal { buffer += chain.checkpoint(now: Date()) }
        try Data(buffer).write(to: auditDir.appendingPathComponent(AuditSegments.name(segment)))
        total += buffer.count
        buffer = []
        segment += 1
    }
    let g0 = Date()
    for i in 0..<verifyEvents {
        buffer += chain.append(event(i), now: Date(timeIntervalSince1970: 1_800_000_000))
        if buffer.count >= 64 << 20 { try flush(true) }
    }
    try flush(true)
    let records = chain.nextSeq - 1
    print(String(format: "verify: generated %llu records, %d segments, %.0f MB in %.1f s",
                 records, segment - 1, Double(total) / 1e6, Date().timeIntervalSince(g0)))
    let v0 = Date()
    let result = try AuditVerifier.verify(directory: auditDir, publicKey: key.publicKey)
    let seconds = Date().timeIntervalSince(v0)
    guard case let .success(summary) = result else { fatalError("bench log failed to verify: \(result)") }
    print(String(format: "verify: %llu records (%d checkpoints) in %.2f s = %.0f records/s, %.0f MB/s, %d cores",
                 summary.records, summary.checkpoints, seconds, Double(summary.records) / seconds,
                 Double(total) / 1e6 / seconds, ProcessInfo.processInfo.activeProcessorCount))

    // (2b) LookupEvents on the same log as gangwayd serves it: the first lookup after a start, a second one, the
    // memory the lookup index holds, and how long an append (every API call's audit record) waits meanwhile.
    let store = try AuditStore(options: .init(directory: auditDir, keyFile: dir.appendingPathComponent("key")))
    let rss0 = residentBytes()
    let request = Data(#"{"MaxResults": 50, "LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "user7"}]}"#.utf8)
    let appendWait = LockedSeconds()
    let appender = Thread {
        Thread.sleep(forTimeInterval: 0.05)  // once the lookup has started
        let a0 = Date()
        let done = DispatchSemaphore(value: 0)
        Task { _ = try? await store.append(event(-1)); done.signal() }
        done.wait()
        appendWait.set(Date().timeIntervalSince(a0))
    }
    let l0 = Date()
    appender.start()
    _ = try store.lookupEvents(request: request)
    let first = Date().timeIntervalSince(l0)
    while appendWait.get() == nil { usleep(10_000) }
    let l1 = Date()
    _ = try store.lookupEvents(request: request)
    let second = Date().timeIntervalSince(l1)
    print(String(format: "lookup: %llu records: first lookup %.2f s, next %.3f s, index +%.0f MB resident; "
                 + "an append during the first lookup waited %.2f s",
                 summary.records, first, second, Double(residentBytes() - rss0) / 1e6, appendWait.get() ?? -1))
}

/// Resident set size of this process (VmRSS).
func residentBytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
}

final class LockedSeconds: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value: Double?
    func set(_ v: Double) { lock.withLock { value = v } }
    func get() -> Double? { lock.withLock { value } }
}

// (3) recording cost: asciicast encoding + one write(2) per relayed frame, as gangwayd records a session
do {
    let url = base.appendingPathComponent("rec/s.cast")
    let start = Date()
    let writer = try RecordingFileWriter(url: url, header: RecordingHeader(width: 200, height: 50), startedAt: start)
    // Terminal output: mostly printable text with escapes and some UTF-8, in 16 KiB frames.
    var frame: [UInt8] = []
    while frame.count < 16 << 10 { frame += Array("\u{1b}[32mok\u{1b}[0m line of build output é → done\r\n".utf8) }
    let frames = 16_384  // 256 MiB
    let w0 = Date()
    for i in 0..<frames { try writer.output(frame, at: start.addingTimeInterval(Double(i) / 1000)) }
    try writer.close(at: Date())
    let seconds = Date().timeIntervalSince(w0)
    let mb = Double(frames * frame.count) / 1e6
    print(String(format: "recording: %.0f MB of output in %d frames in %.2f s = %.0f MB/s (file %.0f MB)",
                 mb, frames, seconds, mb / seconds,
                 Double((try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0) / 1e6))
}
