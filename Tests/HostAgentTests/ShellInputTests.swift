import Foundation
import Synchronization
import Testing
@testable import HostAgent

/// Keystrokes into a real PTY through `ShellInput` (what the agent's data channel writes them with).
@Suite("Shell input") struct ShellInputTests {
    func sh(_ script: String) throws -> PTYProcess {
        let user = try RunAsUser.current()
        return try PTYProcess.spawn(PTYSpawnSpec(
            path: "/bin/sh", arguments: ["sh", "-c", script],
            environment: PTYSpawnSpec.sessionEnvironment(user: user, shell: "/bin/sh"), rows: 24, cols: 80))
    }

    func drain(_ pty: PTYProcess) async -> String {
        var out: [UInt8] = []
        while let chunk = await pty.read() { out += chunk }
        return String(decoding: out, as: UTF8.self)
    }

    /// A paste far larger than the terminal's input queue, into a program that reads nothing for a second: the
    /// loop is never blocked (every offer returns at once), the socket is told to stop reading past the high-water
    /// mark and told to go on once the program has read, and the program receives every byte once, in order,
    /// including those offered before the shell was attached.
    @Test func aPasteIntoAProgramThatDoesNotReadYetArrivesWholeAndInOrderWithBackPressure() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-shellinput-\(UUID())")
        defer { try? FileManager.default.removeItem(at: file) }
        let early = Array("early-".utf8)
        let total = 700_000
        var paste: [UInt8] = []
        paste.reserveCapacity(total)
        var x: UInt32 = 12345
        while early.count + paste.count < total {
            x = x &* 1_103_515_245 &+ 12345
            paste.append(0x21 + UInt8((x >> 16) % 90))  // printable, so raw mode passes each byte through as is
        }
        let checks = Mutex(0)
        let input = ShellInput(afterOffer: { checks.withLock { $0 += 1 } })
        #expect(input.offer(early))  // before the shell exists: waits for attach

        let pty = try sh("stty raw -echo; echo ready; sleep 1; head -c \(total) > \(file.path); echo done-$(wc -c < \(file.path))")
        var seen = ""
        while !seen.contains("ready"), let chunk = await pty.read() { seen += String(decoding: chunk, as: UTF8.self) }
        input.attach(pty)

        let resumed = Mutex(0)
        var refused = 0
        let clock = ContinuousClock()
        var slowest = Duration.zero
        for start in stride(from: 0, to: paste.count, by: 16 * 1024) {
            let t0 = clock.now
            let room = input.offer(Array(paste[start..<min(start + 16 * 1024, paste.count)]))
            slowest = max(slowest, clock.now - t0)
            if !room {
                refused += 1
                input.whenRoom { resumed.withLock { $0 += 1 } }
            }
        }
        #expect(refused > 0, "over the high-water mark nothing asked the socket to stop")
        #expect(input.waitingBytes > ShellInput.highWater)
        #expect(slowest < .milliseconds(100), "an offer blocked for \(slowest)")

        let out = await drain(pty)
        #expect(out.contains("done-\(total)"), "\(out.suffix(200))")
        let received = try [UInt8](Data(contentsOf: file))
        #expect(received == early + paste)
        #expect(resumed.withLock { $0 } == refused, "every paused read was resumed")
        #expect(input.waitingBytes == 0)
        #expect(checks.withLock { $0 } == 1 + (paste.count + 16 * 1024 - 1) / (16 * 1024))
        pty.closeMaster()
    }

    /// After the terminal is gone (or the session closed it), input is dropped, not queued without bound, and a
    /// paused socket is released.
    @Test func closedInputDropsWhatComesAndReleasesThePausedSocket() async throws {
        let pty = try sh("stty raw -echo; sleep 30")
        let input = ShellInput()
        input.attach(pty)
        var refusedAt: Int?
        for i in 0..<64 where refusedAt == nil {
            if !input.offer([UInt8](repeating: 0x61, count: 16 * 1024)) { refusedAt = i }
        }
        #expect(refusedAt != nil)
        let released = Mutex(false)
        input.whenRoom { released.withLock { $0 = true } }
        #expect(!released.withLock { $0 })
        input.close()
        #expect(released.withLock { $0 })
        #expect(input.offer([UInt8](repeating: 0x62, count: 1 << 20)))
        #expect(input.waitingBytes == 0)
        await pty.terminate(grace: .milliseconds(100))
        pty.closeMaster()
    }
}
