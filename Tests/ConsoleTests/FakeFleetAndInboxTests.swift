import Foundation
import TerminalModel
import Testing
@testable import ConsoleCore
@testable import ConsoleUI

/// Reads a shell's output until `text` appears (or the deadline passes); returns everything read.
func readUntil(_ shell: any ShellChannel, _ text: String, seconds: Double = 10) async -> String {
    var seen = ""
    let deadline = Date().addingTimeInterval(seconds)
    for await e in shell.output {
        if case .data(let b) = e { seen += String(decoding: b, as: UTF8.self) }
        if seen.contains(text) || Date() > deadline { break }
    }
    return seen
}

@Suite struct FakeFleetSourceTests {
    @Test func shellRunsCommandsResizesAndEndsOnClose() async throws {
        let fleet = FakeFleetSource(instances: 6)
        let web = try await fleet.instances().first { $0.name == "web-0" }!
        let shell = try await fleet.openShell(target: web.id, cols: 80, rows: 24)
        #expect(try await fleet.sessions(history: false).map(\.id) == [shell.sessionId])
        await shell.send(Array("stty size; echo hi-$((40+2))\r".utf8))
        #expect(await readUntil(shell, "hi-42").contains("24 80"))
        await shell.resize(cols: 100, rows: 30)
        await shell.send(Array("stty size\r".utf8))
        #expect(await readUntil(shell, "30 100").contains("30 100"))
        await shell.close()
        var exited = false
        for await e in shell.output { if case .exited = e { exited = true } }
        #expect(exited)
        // The session moves to history and the audit log shows start and end.
        var history: [SessionRow] = []
        for _ in 0..<50 where history.isEmpty {
            history = try await fleet.sessions(history: true)
            if history.isEmpty { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        #expect(history.map(\.id) == [shell.sessionId] && history[0].status == .terminated)
        #expect(try await fleet.auditEvents(.newest(limit: 10)).rows.map(\.event) == ["TerminateSession", "StartSession"])
    }

    @Test func auditPagesGoDownToTheOldestEventWithoutRepeats() async throws {
        let fleet = FakeFleetSource(instances: 1)
        let t = Date(timeIntervalSince1970: 1_000)
        await fleet.addAuditEvents((0..<7).map { AuditRow(id: "e\($0)", time: t.addingTimeInterval(Double($0)), principal: "p", event: "E") })
        var page = try await fleet.auditEvents(.newest(limit: 3))
        var ids = page.rows.map(\.id)
        while let token = page.older {
            page = try await fleet.auditEvents(.older(token, limit: 3))
            ids += page.rows.map(\.id)
        }
        #expect(ids == ["e6", "e5", "e4", "e3", "e2", "e1", "e0"])
        await #expect(throws: FakeFleetError.self) { _ = try await fleet.auditEvents(.older("nonsense", limit: 3)) }
    }

    @Test func lostInstanceRefusesAShellWithAReason() async throws {
        let fleet = FakeFleetSource(instances: 6)
        let lost = try await fleet.instances().first { $0.pingStatus == .connectionLost }!
        await #expect { _ = try await fleet.openShell(target: lost.id, cols: 80, rows: 24) } throws: {
            "\($0)".contains("is not connected") && "\($0)".contains("last seen")
        }
        #expect(try await fleet.auditEvents(.newest(limit: 1)).rows.first?.result == "TargetNotConnected")
    }
}

@Suite struct UIInboxTests {
    @Test func floodingProducerWaitsUntilTheUIDrains() async throws {
        let inbox = UIInbox()
        let chunk = [UInt8](repeating: 0x79, count: 256 * 1024)
        let produced = Counter()
        let producer = Task.detached {
            for _ in 0..<8 {
                await inbox.appendOutput(1, chunk)
                produced.increment()
            }
        }
        // Past the 1 MiB high-water mark the producer must be parked.
        for _ in 0..<100 where produced.value < 4 { try await Task.sleep(nanoseconds: 5_000_000) }
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(produced.value == 4)
        var total = 0
        while total < 8 * chunk.count {
            let got = inbox.takeOutput(1, max: 64 * 1024).count
            if got == 0 { try await Task.sleep(nanoseconds: 2_000_000) }
            total += got
        }
        await producer.value
        #expect(total == 8 * chunk.count && produced.value == 8)
    }

    /// A pane far behind a flood drops the flood's start (FloodSkip): the producer parked at the high-water mark goes
    /// on at once, and what is left is the replacement followed by the bytes after the cut, in order.
    @Test func droppingAFloodsStartReleasesTheProducerAndKeepsTheRest() async throws {
        let inbox = UIInbox()
        let line = Array("flood-flood\r\n".utf8)
        let chunk = Array((0..<(256 * 1024 / line.count + 1)).map { _ in line }.joined())
        let produced = Counter()
        let producer = Task.detached {
            for _ in 0..<6 {
                await inbox.appendOutput(1, chunk)
                produced.increment()
            }
            await inbox.appendOutput(1, Array("tail-42".utf8))
            produced.increment()
        }
        for _ in 0..<100 where produced.value < 4 { try await Task.sleep(nanoseconds: 5_000_000) }
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(produced.value == 4)  // parked past the 1 MiB mark
        let before = inbox.pendingBytes(1)
        let dropped = inbox.dropSkippable(1) { FloodSkip.skip($0, keepLines: 100) }
        #expect(dropped > before - 100 * line.count - line.count && dropped <= before)
        for _ in 0..<100 where produced.value < 7 { try await Task.sleep(nanoseconds: 5_000_000) }
        #expect(produced.value == 7)  // released without a single byte taken
        await producer.value
        var rest: [UInt8] = []
        while true {
            let got = inbox.takeOutput(1, max: 64 * 1024)
            if got.isEmpty { break }
            rest += got
        }
        #expect(rest.count == 6 * chunk.count - dropped + 7)
        #expect(rest.suffix(7) == Array("tail-42".utf8)[...])
        #expect(rest.prefix(line.count * 3) == Array([line, line, line].joined())[...])
        #expect(inbox.dropSkippable(1) { FloodSkip.skip($0, keepLines: 0) } == 0)  // nothing waiting: nothing to do
    }
}

final class Counter: @unchecked Sendable {
    // Safe: `n` is only touched under `lock`.
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
