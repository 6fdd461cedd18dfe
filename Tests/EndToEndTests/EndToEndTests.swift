import Crypto
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built programs, run as a user would: gangwayd, gangway-agent, and a client over the real data channel.
@Suite("End to end", .serialized, .timeLimit(.minutes(2))) struct EndToEndTests {
    @Test func shellBasicsSizeAndExitCode() async throws {
        try await withCluster { cluster in
        let id = try await cluster.startAgent("web-1")
        let shell = try await ShellClient(cluster: cluster, target: id)
        await shell.resize(cols: 123, rows: 37)
        await shell.type("echo hi-$((6*7))\n")
        var at = try await shell.waitFor("hi-42")
        await shell.type("stty size\n")
        at = try await shell.waitFor("37 123", from: at)
        await shell.type("exit 7\n")
        let gotExit = await eventually(timeout: .seconds(10)) { shell.exitCode != nil }
        #expect(gotExit)
        #expect(shell.exitCode == "7")
        // gangwayd ends the session once the agent reports it.
        let ended = await eventually(timeout: .seconds(10)) { shell.closed }
        #expect(ended)
        await shell.close()
        }
    }

    @Test func fiftyMiBOfBase64ArrivesIntact() async throws {
        try await withCluster { cluster in
        let id = try await cluster.startAgent("bulk-1")
        let shell = try await ShellClient(cluster: cluster, target: id)
        let file = "/tmp/gangway-e2e-\(getpid())-\(UUID().uuidString.prefix(6)).b64"
        defer { unlink(file) }
        await shell.type("head -c 52428800 /dev/urandom | base64 > \(file); chmod 644 \(file); echo made-$((1+1))\n")
        var at = try await shell.waitFor("made-2", timeout: .seconds(60))
        // Raw mode: the terminal passes bytes through unchanged (no \n → \r\n), echo off.
        await shell.type("stty raw -echo; printf '\\001BEGIN\\002'; cat \(file); printf '\\001END\\002'; stty sane\n")
        let begin = try await shell.waitFor("\u{1}BEGIN\u{2}", from: at)
        let started = ContinuousClock.now
        at = try await shell.waitFor("\u{1}END\u{2}", from: begin, timeout: .seconds(120))
        let elapsed = ContinuousClock.now - started
        let received = Array(shell.bytes[begin..<(at - 5)])
        let expected = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(received.count == expected.count)
        #expect(SHA256.hash(data: received) == SHA256.hash(data: expected))
        let mb = Double(expected.count) / 1_048_576
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("e2e: \(String(format: "%.1f", mb)) MiB through gangwayd in \(String(format: "%.2f", seconds)) s = \(String(format: "%.1f", mb / seconds)) MiB/s")
        await shell.close()
        }
    }

    @Test func droppedClientResumesWithNoByteLostOrRepeated() async throws {
        try await withCluster { cluster in
        let id = try await cluster.startAgent("resume-1")
        let shell = try await ShellClient(cluster: cluster, target: id)
        await shell.type("stty -echo; echo ready-$((2+2))\n")
        let at = try await shell.waitFor("ready-4")
        let lines = 200_000
        await shell.type("seq 1 \(lines); echo done-$((3+3))\n")
        _ = await eventually(timeout: .seconds(20), every: .milliseconds(5)) { shell.count > at + 50_000 }
        try await shell.dropAndResume()
        let end = try await shell.waitFor("done-6", from: at, timeout: .seconds(60))
        let body = String(decoding: shell.bytes[at..<end], as: UTF8.self)
        let numbers = body.split(whereSeparator: { $0.isNewline }).compactMap { Int($0) }
        let counters = await shell.channel.counters
        print("e2e resume: \(numbers.count) lines, counters \(counters), body starts \(String(body.prefix(80)).debugDescription) mid \(String(body.dropFirst(body.count / 2).prefix(120)).debugDescription) len \(body.count)")
        #expect(numbers.count == lines)
        #expect(numbers.first == 1 && numbers.last == lines && zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 })
        await shell.close()
        }
    }

    @Test func killedAgentShowsConnectionLostAndRestartedServerGetsAgentsBack() async throws {
        try await withCluster { cluster in
        let doomed = try await cluster.startAgent("doomed-1")
        let survivor = try await cluster.startAgent("survivor-1")
        cluster.agents["doomed-1"]?.signal(SIGKILL)
        let lost = try await eventually(timeout: .seconds(Cluster.connectionLostAfter + 3)) {
            try await cluster.pingStatus(doomed) == "ConnectionLost"
        }
        #expect(lost)

        await cluster.server?.stop()
        try await Task.sleep(for: .milliseconds(500))
        try await cluster.startServer()
        let back = ContinuousClock.now
        let online = try await eventually(timeout: .seconds(5), every: .milliseconds(100)) {
            (try? await cluster.pingStatus(survivor)) == "Online"
        }
        #expect(online, "agent was not Online within 5 s of gangwayd returning (took \(ContinuousClock.now - back))")
        }
    }
}

/// Starts a cluster, runs `body`, and always stops its processes (also when `body` throws).
func withCluster(serverArgs: [String] = [], serverWrapper: [String] = [],
                 _ body: (Cluster) async throws -> Void) async throws {
    let cluster = try Cluster()
    cluster.serverArgs = serverArgs
    cluster.serverWrapper = serverWrapper
    do {
        try await cluster.startServer()
        try await body(cluster)
    } catch {
        await cluster.shutdown()
        throw error
    }
    await cluster.shutdown()
}

extension EndToEndTests {
    /// `sleep … & disown; exit 4`: the shell exits while a background job still holds the terminal. The session ends
    /// with the shell's status within seconds (the agent waits 1 s for output, then ends the leftovers) and the job
    /// is gone. It hung until someone terminated it: the 1 s wait waited for the output's end instead.
    @Test func shellExitingWithABackgroundJobOnTheTerminalEndsTheSession() async throws {
        try await withCluster { cluster in
            let id = try await cluster.startAgent("bg-1")
            let shell = try await ShellClient(cluster: cluster, target: id)
            let marker = 3000 + Int.random(in: 0..<999)   // `sleep N` with an N no other test uses
            await shell.type("sleep \(marker) & disown; echo bg-$((6*7)); exit 4\n")
            _ = try await shell.waitFor("bg-42")
            let started = ContinuousClock.now
            let gotExit = await eventually(timeout: .seconds(8)) { shell.exitCode != nil }
            #expect(gotExit, "no exit status \(ContinuousClock.now - started) after the shell exited")
            #expect(shell.exitCode == "4")
            let ended = await eventually(timeout: .seconds(8)) { shell.closed }
            #expect(ended)
            let left = try ChildProcess.run("/bin/sh", ["-c", "pgrep -f '^sleep \(marker)$' || true"])
            #expect(left.isEmpty, "the background job outlived its session: \(left)")
            await shell.close()
        }
    }

    /// A process that left the shell's session (setsid) keeps the terminal open, and nothing signalled to the session
    /// reaches it: the session waited 10 s more for the terminal's output to end before closing it (11 s in all).
    /// Now a terminal quiet for a second, while read, is closed: the exit status comes 1.3–2.4 s after the exit.
    @Test func shellExitingWithAProcessThatLeftItsSessionEndsTheSessionSoon() async throws {
        try await withCluster { cluster in
            let id = try await cluster.startAgent("esc-1")
            let shell = try await ShellClient(cluster: cluster, target: id)
            let marker = 4000 + Int.random(in: 0..<999)
            defer { _ = try? ChildProcess.run("/bin/sh", ["-c", "pkill -f '^sleep \(marker)$' || true"]) }
            await shell.type("setsid sleep \(marker) & echo esc-$((6*7)); exit 5\n")
            _ = try await shell.waitFor("esc-42")
            let started = ContinuousClock.now
            let gotExit = await eventually(timeout: .seconds(6)) { shell.exitCode != nil }
            #expect(gotExit, "no exit status \(ContinuousClock.now - started) after the shell exited")
            print("exit status \(ContinuousClock.now - started) after the shell exited, a setsid process holding its terminal")
            #expect(shell.exitCode == "5")
            #expect(await eventually(timeout: .seconds(6)) { shell.closed })
            await shell.close()
        }
    }
}
