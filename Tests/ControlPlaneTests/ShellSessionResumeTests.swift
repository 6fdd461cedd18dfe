import Foundation
import GangwayClient
import Testing
import ChannelIO

/// The client side of `gangway connect` (`SSMShellSession` with its output written straight from the data channel's
/// loop) against gangwayd and a real agent: when the socket drops in the middle of a flood, the session resumes on
/// its own and the terminal gets every byte once, in order.
@Suite("gangway connect's session resumes")
struct ShellSessionResumeTests {
    /// Collects what the channel's loop writes, as `TerminalOutput` would to the terminal.
    final class CollectingSink: DataChannelSink, @unchecked Sendable {
        // @unchecked: `bytes` is guarded by `lock`.
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        func write(_ chunk: [UInt8]) { lock.lock(); bytes += chunk; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return bytes.count }
        var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: bytes, as: UTF8.self) }
    }

    actor Notices {
        private(set) var lines: [String] = []
        func add(_ line: String) { lines.append(line) }
    }

    @Test("the socket drops mid-output: the session resumes and 100,000 lines arrive once each, in order")
    func dropMidOutputResumesWithoutLossOrRepeat() async throws {
        let rig = try await RevocationEndToEndTests.Rig.start()
        do {
            let sink = CollectingSink()
            let shell = try await SSMShellSession.start(ssm: rig.ssm(), target: rig.instanceId, cols: 100, rows: 30,
                                                        directOutput: sink)
            let notices = Notices()
            let noticeTask = Task { for await line in shell.notices { await notices.add(line) } }
            let exits = Task { for await _ in shell.output {} }
            // Half the lines, a pause, the other half: the socket drops while the first half streams, and whatever
            // happens, the second half is produced while the session is away or resuming.
            await shell.send(Array("stty -echo; echo go''on; seq 1 50000; sleep 1; seq 50001 100000; echo end-$((6*7))\n".utf8))
            #expect(await eventually(20) { sink.count > 100_000 }, "the output did not start")
            await shell.dropConnection()
            #expect(!sink.text.contains("end-42"), "the output ended before the drop")
            #expect(await eventually(60) { sink.text.contains("end-42") }, "the output did not finish after the drop")
            let said = await notices.lines
            #expect(said.contains { $0.contains("resumed") }, "\(said)")

            let text = sink.text
            let start = try #require(text.range(of: "goon\r\n"))
            let lines = text[start.upperBound...].components(separatedBy: "\r\n")
            let numbers = lines.prefix { Int($0) != nil }.compactMap { Int($0) }
            #expect(numbers.elementsEqual(1...100_000),
                    "\(numbers.count) lines, first wrong at \(zip(numbers, 1...).first { $0 != $1 }.map { "\($0)" } ?? "the end")")
            await shell.close()
            noticeTask.cancel()
            exits.cancel()
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }
}
