// SessionCoreBench: codec and stream-state-machine throughput. Run with bench/sessioncore.sh (release build).
import Foundation
import SessionCore

let clock = ContinuousClock()
let mib = 1024.0 * 1024.0
let budget = Duration.milliseconds(Int64(ProcessInfo.processInfo.environment["BENCH_MS"].flatMap(Int.init) ?? 700))

/// Runs `body` repeatedly for about `budget`; returns MiB/s given `bytesPerRun`.
@MainActor
func measure(bytesPerRun: Int, _ body: () -> Void) -> Double {
    for _ in 0..<3 { body() }  // warm-up
    var runs = 0
    let start = clock.now
    var elapsed = Duration.zero
    repeat {
        for _ in 0..<8 { body() }
        runs += 8
        elapsed = clock.now - start
    } while elapsed < budget
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return Double(bytesPerRun * runs) / mib / seconds
}

func fmt(_ v: Double) -> String { String(format: "%9.0f MiB/s", v) }

var sink = 0
print("SessionCore benchmark (payload MiB/s; \(ProcessInfo.processInfo.activeProcessorCount) cores)")
print("codec                        1 KiB        16 KiB        64 KiB")
var rows: [(String, [Double])] = [("encode", []), ("encode (no digest)", []), ("decode+verify", []), ("decode (no verify)", [])]
for size in [1024, 16 * 1024, 64 * 1024] {
    var bytes = [UInt8](repeating: 0, count: size)
    for i in 0..<size { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
    let message = ClientMessage(messageType: .outputStreamData, createdDate: 1_700_000_000_000, sequenceNumber: 42,
                                payloadType: .output, payload: bytes)
    let frame = message.encode()
    let noVerify = FrameLimits(maxPayloadBytes: 1 << 20, verifyDigest: false)
    rows[0].1.append(measure(bytesPerRun: size) { sink &+= message.encode().count })
    rows[1].1.append(measure(bytesPerRun: size) { sink &+= message.encode(digest: false).count })
    rows[2].1.append(measure(bytesPerRun: size) { sink &+= (try? ClientMessage.decode(frame))?.payload.count ?? -1 })
    rows[3].1.append(measure(bytesPerRun: size) { sink &+= (try? ClientMessage.decode(frame, limits: noVerify))?.payload.count ?? -1 })
}
for (name, values) in rows {
    print(name.padding(toLength: 20, withPad: " ", startingAt: 0) + values.map(fmt).joined(separator: " "))
}

/// The codec work of one keystroke's round trip at one end: a 1-byte data message encoded and decoded, its
/// acknowledgement made, encoded, decoded and parsed (each end of a session does this for every key).
@MainActor
func keystrokeNanos() -> Double {
    var n = 0
    let start = clock.now
    repeat {
        for i in 0..<1000 {
            let data = ClientMessage(messageType: .inputStreamData, createdDate: 1_700_000_000_000, sequenceNumber: Int64(i),
                                     payloadType: .output, payload: [UInt8(0x61 + i % 26)])
            guard let received = try? ClientMessage.decode(data.encode()) else { continue }
            let ack = ClientMessage.acknowledging(received, now: 1_700_000_000_001)
            guard let ackIn = try? ClientMessage.decode(ack.encode()),
                  let content = AcknowledgeContent.parse(ackIn.payload) else { continue }
            sink &+= Int(content.acknowledgedMessageSequenceNumber)
        }
        n += 1000
    } while clock.now - start < budget
    let elapsed = clock.now - start
    return (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(n)
}
print(String(format: "one keystroke (data + ack, encode, decode, ack parse): %.0f ns", keystrokeNanos()))

/// One direction, agent → client, over a lossless in-memory link: send, deliver, ack, free the window.
/// `codec`: nil passes ClientMessage values; otherwise every frame (data and ack) is encoded and decoded.
@MainActor
func streamThroughput(codec: (digest: Bool, verify: Bool)?, total: Int = 64 << 20, writeSize: Int = 256 * 1024) -> Double {
    let payload = [UInt8](repeating: 0x61, count: writeSize)
    let limits = FrameLimits(maxPayloadBytes: 1 << 20, verifyDigest: codec?.verify ?? false)
    func wire(_ m: ClientMessage) -> ClientMessage {
        guard let codec else { return m }
        let bytes = m.encode(digest: codec.digest)
        do { return try ClientMessage.decode(bytes, limits: limits) } catch { fatalError("bench frame rejected: \(error)") }
    }
    return measure(bytesPerRun: total) {
        var agent = DataStream(role: .agent)
        var client = DataStream(role: .client)
        let now = StreamInstant(nanoseconds: 1_000_000_000)
        var delivered = 0
        var sent = 0
        var toClient: [ClientMessage] = []
        var toAgent: [ClientMessage] = []
        while delivered < total {
            if sent < total && agent.queuedBytes < writeSize {
                for case .write(let m) in agent.send(payload, now: now) { toClient.append(wire(m)) }
                sent += writeSize
            }
            for m in toClient {
                for action in client.receive(m, now: now) {
                    switch action {
                    case .write(let ack): toAgent.append(wire(ack))
                    case .acknowledge: if let ack = action.acknowledgement { toAgent.append(wire(ack)) }
                    case .deliver(_, let b): delivered += b.count
                    default: break
                    }
                }
            }
            toClient.removeAll(keepingCapacity: true)
            for ack in toAgent {
                for case .write(let m) in agent.receive(ack, now: now) { toClient.append(wire(m)) }
            }
            toAgent.removeAll(keepingCapacity: true)
        }
        sink &+= delivered
    }
}

print("")
print("DataStream, lossless in-memory link, 32 KiB chunks, 1 MiB window:")
print("  state machine only (no codec)      " + fmt(streamThroughput(codec: nil)))
print("  + encode/decode, digest excluded   " + fmt(streamThroughput(codec: (digest: false, verify: false))))
print("  + encode/decode with SHA-256       " + fmt(streamThroughput(codec: (digest: true, verify: true))))
if sink == 42 { print("") }
