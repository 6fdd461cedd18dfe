import Foundation
import Testing
@testable import HostAgent
#if canImport(Glibc)
import Glibc
#endif

/// Real PTYs, real processes.
@Suite("PTY processes") struct PTYProcessTests {
    func sh(_ script: String, rows: UInt16 = 24, cols: UInt16 = 80) throws -> PTYProcess {
        let user = try RunAsUser.current()
        return try PTYProcess.spawn(PTYSpawnSpec(
            path: "/bin/sh", arguments: ["sh", "-c", script],
            environment: PTYSpawnSpec.sessionEnvironment(user: user, shell: "/bin/sh"), rows: rows, cols: cols))
    }

    /// Reads everything until the terminal closes.
    func readAll(_ pty: PTYProcess) async -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = await pty.read() { out += chunk }
        return out
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func echoOutputArrivesAndExitIsZero() async throws {
        let pty = try sh("echo hello-from-pty")
        let out = await readAll(pty)
        #expect(text(out).contains("hello-from-pty"))
        #expect(await pty.waitForExit() == 0)
        pty.closeMaster()
    }

    @Test func exitStatusSevenIsPropagated() async throws {
        let pty = try sh("exit 7")
        _ = await readAll(pty)
        #expect(await pty.waitForExit() == 7)
    }

    @Test func initialSizeAndResizeAreSeenBySttySize() async throws {
        let pty = try sh("stty size; read line; stty size", rows: 40, cols: 132)
        var out: [UInt8] = []
        while !text(out).contains("40 132") { guard let c = await pty.read() else { break }; out += c }
        #expect(text(out).contains("40 132"))
        pty.resize(cols: 200, rows: 50)
        await pty.write(Array("go\n".utf8))
        out += await readAll(pty)
        #expect(text(out).contains("50 200"))
        #expect(await pty.waitForExit() == 0)
    }

    @Test func environmentHasTermAndLang() async throws {
        let pty = try sh("echo \"T=$TERM L=$LANG H=$HOME\"")
        let out = text(await readAll(pty))
        #expect(out.contains("T=xterm-256color"))
        #expect(out.contains("L="))
        #expect(!out.contains("L= "))
    }

    @Test func echoFlagTracksSttyEcho() async throws {
        let pty = try sh("read a; stty -echo; echo off; read b; stty echo; echo on; read c")
        #expect(pty.echoEnabled == true)
        await pty.write(Array("1\n".utf8))
        var out: [UInt8] = []
        while !text(out).contains("off") { guard let c = await pty.read() else { break }; out += c }
        #expect(pty.echoEnabled == false)
        await pty.write(Array("2\n".utf8))
        while !text(out).contains("on\r\n") { guard let c = await pty.read() else { break }; out += c }
        #expect(pty.echoEnabled == true)
        await pty.write(Array("3\n".utf8))
        _ = await readAll(pty)
        #expect(await pty.waitForExit() == 0)
    }

    @Test func terminateKillsTheWholeSessionAndReapsIt() async throws {
        // A background job in its own process group plus a foreground sleep: both must die.
        let pty = try sh("trap '' HUP; (sleep 300 &) ; echo started; sleep 300")
        var out: [UInt8] = []
        while !text(out).contains("started") { guard let c = await pty.read() else { break }; out += c }
        try await Task.sleep(for: .milliseconds(100))
        let before = SessionSignaller.members(ofSession: pty.pid)
        #expect(before.count >= 2)
        let started = ContinuousClock.now
        await pty.terminate(grace: .milliseconds(300))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(pty.exitStatus != nil)
        try await Task.sleep(for: .milliseconds(100))
        #expect(SessionSignaller.members(ofSession: pty.pid).isEmpty)
        // Reaped: no zombie left for the leader.
        #expect(kill(pty.pid, 0) != 0)
        pty.closeMaster()
    }

    @Test func largeOutputComesInLargeChunks() async throws {
        let pty = try sh("head -c 4000000 /dev/zero | tr '\\0' 'x'")
        var total = 0, reads = 0
        while let c = await pty.read() { total += c.count; reads += 1 }
        #expect(total >= 4_000_000)
        // 4 MB in 64 KiB reads is ~62; allow PTY scheduling slack but not 1 KiB reads (~4000).
        #expect(reads < 1500)
    }

    @Test func spawnOfMissingProgramFailsClearly() throws {
        #expect(throws: HostAgentError.self) {
            _ = try PTYProcess.spawn(PTYSpawnSpec(path: "/nonexistent/shell"))
        }
    }
}
