// Session benchmark client: throughput of `cat FILE` and keystroke echo round trip, through a Gangway session
// and on a direct PTY; keystroke echo through a command (ssh -tt). Driven by bench/session/run.sh.
import AWSCore
import ChannelIO
import Foundation
import HostAgent
import Logging
import SessionCore

struct Args {
    var values: [String: String] = [:]
    init() {
        var it = CommandLine.arguments.dropFirst().makeIterator()
        while let k = it.next() { if k.hasPrefix("--"), let v = it.next() { values[String(k.dropFirst(2))] = v } }
    }
    subscript(_ k: String) -> String? { values[k] }
}

/// Counts bytes between \x01B\x02 and \x01E\x02 markers and records when each marker arrived.
final class MarkerCounter {
    var tail: [UInt8] = []
    var counting = false
    var bytes = 0
    var begin: ContinuousClock.Instant?
    var end: ContinuousClock.Instant?
    func feed(_ chunk: [UInt8]) {
        let data = tail + chunk
        var i = 0
        var segmentStart = 0
        while i + 2 < data.count {
            if data[i] == 1, data[i + 2] == 2 {
                if data[i + 1] == 0x42, !counting, begin == nil { counting = true; begin = .now; segmentStart = i + 3; i += 3; continue }
                if data[i + 1] == 0x45, counting { bytes += i - segmentStart; counting = false; end = .now; tail = []; return }
            }
            i += 1
        }
        let keep = min(2, data.count)
        if counting { bytes += (data.count - keep) - max(segmentStart, 0) }
        tail = Array(data.suffix(keep))
    }
}

/// CPU time spent during the keystroke loop by the processes named in `--cpu`, per keystroke: what the echo's
/// round trip is made of (on this machine the round trip tracks the CPU spent on the path, not wake-up latency).
/// `--cpu name=WHO,…` where WHO is a PID, `self` (this process), `child` (the command's process, command mode) or
/// `descendants:PID` (PID and every process below it with the same command name as `name`, e.g. sshd's session
/// processes). Each process's time is the sum of its threads' run time (/proc/PID/task/*/schedstat), in ns.
struct CPUMeter {
    let spec: [(name: String, who: String)]
    var childPID: Int32 = 0

    init?(_ arg: String?) {
        guard let arg, !arg.isEmpty else { return nil }
        spec = arg.split(separator: ",").compactMap { item in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    func sample() -> [UInt64] {
        spec.map { name, who in pids(name: name, who: who).reduce(0) { $0 + Self.runTime(of: $1) } }
    }

    /// One line: `LABEL_cpu_per_key_us name N … total N`.
    func report(label: String, before: [UInt64], after: [UInt64], keystrokes: Int) -> String {
        var parts: [String] = []
        var total = 0.0
        for (i, entry) in spec.enumerated() {
            let us = Double(after[i] &- before[i]) / 1000 / Double(max(1, keystrokes))
            total += us
            parts.append(entry.name + String(format: " %.0f", us))
        }
        return "\(label)_cpu_per_key_us " + parts.joined(separator: " ") + String(format: " total %.0f", total)
    }

    private func pids(name: String, who: String) -> [Int32] {
        switch who {
        case "self": return [getpid()]
        case "child": return childPID > 0 ? [childPID] : []
        default:
            if who.hasPrefix("descendants:"), let root = Int32(who.dropFirst("descendants:".count)) {
                return Self.descendants(of: root).filter { Self.command(of: $0) == name }
            }
            return Int32(who).map { [$0] } ?? []
        }
    }

    static func runTime(of pid: Int32) -> UInt64 {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.reduce(0) { sum, tid in
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/schedstat", encoding: .utf8)) ?? ""
            return sum + (text.split(separator: " ").first.flatMap { UInt64($0) } ?? 0)
        }
    }

    static func command(of pid: Int32) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `root` and every process below it (by PPid in /proc/PID/stat).
    static func descendants(of root: Int32) -> [Int32] {
        var parent: [Int32: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = Int32(fields[1]) { parent[pid] = ppid }
        }
        return parent.keys.filter { pid in
            var p: Int32? = pid
            while let q = p, q > 1 { if q == root { return true }; p = parent[q] }
            return false
        }
    }
}

/// `--pace-us N`: wait N µs after each echo before the next keystroke (0, the default: back to back). A person
/// types at most a few keys per 100 ms; back to back, each key's acknowledgements compete with the next key.
let paceMicros = UInt32(Args()["pace-us"] ?? "0") ?? 0
func keyPause() { if paceMicros > 0 { usleep(paceMicros) } }
/// `keyPause` for async code: sleeps the task, not the thread (an event loop's, since EventLoopConcurrency).
func keyPauseAsync() async { if paceMicros > 0 { try? await Task.sleep(for: .microseconds(paceMicros)) } }

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count - 1) * p))]
}

func call(_ server: String, _ creds: AWSCredentials, _ op: String, _ body: [String: Any]) async throws -> [String: Any] {
    let http = HTTPClient()
    let bytes = Array(try JSONSerialization.data(withJSONObject: body))
    let headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonSSM.\(op)")]
    let auth = try SigV4Signer(credentials: creds, region: "us-east-1", service: "ssm")
        .signingHeaders(method: "POST", url: server + "/", headers: headers, body: bytes, date: Date())
    let r = try await http.execute(HTTPRequest(method: "POST", url: server + "/", headers: headers + auth.filter { $0.0 != "Host" }, body: bytes))
    guard r.status == 200 else { throw NSError(domain: "bench", code: r.status, userInfo: [NSLocalizedDescriptionKey: r.bodyText]) }
    return (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
}

/// Waits on the channel's events until `predicate` holds for the accumulated recent output.
func pump(_ channel: DataChannelConnection, _ iterator: inout DataChannelEvents.AsyncIterator, until: ([UInt8]) -> Bool) async -> Bool {
    while let e = await iterator.next() {
        if case .data(.output, let b) = e, until(b) { return true }
        if case .closed = e { return false }
    }
    return false
}

func gangway(_ args: Args) async throws {
    let server = args["server"]!, file = args["file"]!, keystrokes = Int(args["keystrokes"] ?? "500")!
    let label = args["label"] ?? "gangway"
    let creds = AWSCredentials(accessKeyId: args["key-id"]!, secretAccessKey: args["secret"]!)
    let r = try await call(server, creds, "StartSession", ["Target": args["target"]!])
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    let open = try OpenDataChannelInput.client(requestId: UUID().uuidString, tokenValue: r["TokenValue"] as! String,
                                               clientId: UUID().uuidString).jsonText()
    let channel = DataChannelConnection(url: URL(string: r["StreamUrl"] as! String)!, openingFrame: open, role: .client, logger: logger)
    try await channel.connect()
    var it = channel.events.makeAsyncIterator()
    await channel.send(SizeData(cols: 200, rows: 50).jsonBytes(), payloadType: .size)
    await channel.send(Array("stty raw -echo; echo rea''dy\n".utf8))
    var seen: [UInt8] = []
    _ = await pump(channel, &it) { seen += $0; return String(decoding: seen, as: UTF8.self).contains("ready") }
    let counter = MarkerCounter()
    await channel.send(Array("printf '\\001B\\002'; cat \(file); printf '\\001E\\002'\n".utf8))
    _ = await pump(channel, &it) { counter.feed($0); return counter.end != nil }
    let mib = Double(counter.bytes) / 1_048_576
    let t = seconds(counter.end! - counter.begin!)
    print(String(format: "\(label)_throughput_mib_s %.1f (%.1f MiB in %.2f s)", mib / t, mib, t))
    if keystrokes > 0 { await echo(channel, &it, label: label, keystrokes: keystrokes, cpu: CPUMeter(args["cpu"])) }
    await channel.send([3])  // ^C is a plain byte in raw mode; terminate instead
    _ = try? await call(server, creds, "TerminateSession", ["SessionId": r["SessionId"] as! String])
    await channel.close()
}

/// Keystroke echo round trips on an open session whose shell is at a prompt.
func echo(_ channel: DataChannelConnection, _ it: inout DataChannelEvents.AsyncIterator, label: String,
          keystrokes: Int, cpu meter: CPUMeter?) async {
    // Echo: the terminal echoes each byte (raw, echo on) while cat swallows it.
    await channel.send(Array("stty raw echo; echo go''on; cat > /dev/null\n".utf8))
    var seen: [UInt8] = []
    _ = await pump(channel, &it) { seen += $0; return String(decoding: seen, as: UTF8.self).contains("goon") }
    var rtts: [Double] = []
    let cpuBefore = meter?.sample()
    for i in 0..<keystrokes {
        let ch = UInt8(0x61 + i % 26)
        let t0 = ContinuousClock.now
        await channel.send([ch])
        _ = await pump(channel, &it) { $0.contains(ch) }
        rtts.append(seconds(ContinuousClock.now - t0) * 1e6)
        await keyPauseAsync()
    }
    print(String(format: "\(label)_echo_us p50 %.0f p99 %.0f", percentile(rtts, 0.5), percentile(rtts, 0.99)))
    if let meter, let cpuBefore { print(meter.report(label: label, before: cpuBefore, after: meter.sample(), keystrokes: keystrokes)) }
    // Resends or duplicates here would mean acknowledgements were late (a stall), not a slow path.
    let c = await channel.counters
    print("\(label)_client_stream sent \(c.messagesSent) resent \(c.retransmissions) duplicates_received \(c.duplicatesReceived)")
}

func direct(_ args: Args) async throws {
    let keystrokes = Int(args["keystrokes"] ?? "500")!
    let user = try RunAsUser.current()
    let env = PTYSpawnSpec.sessionEnvironment(user: user, shell: "/bin/sh")
    if let file = args["file"] {  // without --file: the echo only
        let pty = try PTYProcess.spawn(PTYSpawnSpec(path: "/bin/sh", arguments: ["sh", "-c", "stty raw -echo; printf '\\001B\\002'; cat \(file); printf '\\001E\\002'"], environment: env))
        let counter = MarkerCounter()
        while let c = await pty.read() { counter.feed(c); if counter.end != nil { break } }
        let mib = Double(counter.bytes) / 1_048_576
        let t = seconds(counter.end! - counter.begin!)
        print(String(format: "pty_throughput_mib_s %.1f (%.1f MiB in %.2f s)", mib / t, mib, t))
        await pty.terminate(grace: .milliseconds(100))
        pty.closeMaster()
    }
    let echo = try PTYProcess.spawn(PTYSpawnSpec(path: "/bin/sh", arguments: ["sh", "-c", "stty raw echo; echo goon; cat > /dev/null"], environment: env))
    var seen: [UInt8] = []
    while !String(decoding: seen, as: UTF8.self).contains("goon"), let c = await echo.read() { seen += c }
    var rtts: [Double] = []
    for i in 0..<keystrokes {
        let ch = UInt8(0x61 + i % 26)
        let t0 = ContinuousClock.now
        await echo.write([ch])
        while let c = await echo.read(), !c.contains(ch) {}
        rtts.append(seconds(ContinuousClock.now - t0) * 1e6)
        await keyPauseAsync()
    }
    print(String(format: "pty_echo_us p50 %.0f p99 %.0f", percentile(rtts, 0.5), percentile(rtts, 0.99)))
    await echo.terminate(grace: .milliseconds(100))
    echo.closeMaster()
}

/// Keystroke echo through a command that runs `stty raw echo; echo goon; cat > /dev/null` on a remote terminal and
/// talks over pipes (`ssh -tt host …`): the reference for what a relayed terminal costs on this machine. With
/// `--first-line L`, L is written to the command's input first (for `gangway connect`, which takes no remote command).
func commandEcho(_ args: Args) throws {
    let keystrokes = Int(args["keystrokes"] ?? "500")!, label = args["label"] ?? "command"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", args["command"]!]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer {
        // EOF ends the remote `cat` and so the command; a command that lingers anyway is killed.
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
    }
    let wfd = input.fileHandleForWriting.fileDescriptor, rfd = output.fileHandleForReading.fileDescriptor
    if let line = args["first-line"] {
        let bytes = Array((line + "\n").utf8)
        guard write(wfd, bytes, bytes.count) == bytes.count else { throw NSError(domain: "bench", code: 2) }
    }
    var buffer = [UInt8](repeating: 0, count: 65536)
    func readSome() throws -> ArraySlice<UInt8> {
        let n = read(rfd, &buffer, buffer.count)
        guard n > 0 else { throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(label) ended"]) }
        return buffer[..<n]
    }
    var seen: [UInt8] = []
    while !String(decoding: seen, as: UTF8.self).contains("goon") { seen += try readSome() }
    var rtts: [Double] = []
    var meter = CPUMeter(args["cpu"])
    meter?.childPID = process.processIdentifier
    let cpuBefore = meter?.sample()
    for i in 0..<keystrokes {
        var ch = UInt8(0x61 + i % 26)
        let t0 = ContinuousClock.now
        guard write(wfd, &ch, 1) == 1 else { throw NSError(domain: "bench", code: 2) }
        while try !readSome().contains(ch) {}
        rtts.append(seconds(ContinuousClock.now - t0) * 1e6)
        keyPause()
    }
    print(String(format: "\(label)_echo_us p50 %.0f p99 %.0f", percentile(rtts, 0.5), percentile(rtts, 0.99)))
    if let meter, let cpuBefore { print(meter.report(label: label, before: cpuBefore, after: meter.sample(), keystrokes: keystrokes)) }
}

let args = Args()
EventLoopConcurrency.install()  // as gangway connect does
do {
    switch args["mode"] {
    case "direct": try await direct(args)
    case "command": try commandEcho(args)
    case "nio-relay": try nioRelay(args)
    default: try await gangway(args)
    }
} catch {
    FileHandle.standardError.write(Data("SessionBench: \(error)\n".utf8))
    exit(1)
}
