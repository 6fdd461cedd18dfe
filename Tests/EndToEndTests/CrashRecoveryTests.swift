import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 of gangwayd while a session streams: the audit log verifies after restart, the recording is valid
/// asciicast (a torn last line at most) holding every output byte the client had received, the agent returns.
@Suite("Crash recovery", .serialized, .timeLimit(.minutes(2))) struct CrashRecoveryTests {
    @Test func killNineMidStreamLosesNoAcknowledgedOutputAndAuditVerifies() async throws {
        try await withCluster { cluster in
        let id = try await cluster.startAgent("crash-1")
        let shell = try await ShellClient(cluster: cluster, target: id)
        await shell.type("echo rea''dy-$((2+2))\n")
        let at = try await shell.waitFor("ready-4")
        // Multi-byte characters on every line: the recording must not hold back (or lose) a split character.
        await shell.type("seq -f 'ü%g€' 1 20000000\n")
        // Let a good part stream (and be acknowledged) before the kill; the stream is far from finished then.
        let streaming = await eventually(timeout: .seconds(30), every: .milliseconds(5)) { shell.count > at + 300_000 }
        #expect(streaming, "output did not stream: \(shell.count - at) bytes")
        let server = try #require(cluster.server)
        server.signal(SIGKILL)
        let died = await eventually(timeout: .seconds(10), every: .milliseconds(10)) { !server.process.isRunning }
        #expect(died)
        // Let anything in flight on the client's socket arrive, then freeze what the client saw.
        try await Task.sleep(for: .milliseconds(300))
        let received = shell.bytes
        let counters = await shell.channel.counters
        await shell.close()

        // The recording as the kill left it: valid up to its last complete line, every received byte in it.
        let recordingPath = cluster.dataDir + "/recordings/\(shell.sessionId).cast"
        let recording = try RecordingOnDisk(path: recordingPath)
        let recorded = recording.output
        // A frame may end inside a multi-byte character; the recorder keeps those (at most 3) bytes until the
        // character completes, so the last incomplete character the client got is the one thing allowed missing.
        let partial = incompleteUTF8Tail(received)
        let complete = Array(received.dropLast(partial))
        let common = zip(recorded, complete).prefix { $0 == $1 }.count
        print("e2e crash: client received \(received.count) bytes (\(partial) of an incomplete last character; counters \(counters)); recording has \(recorded.count) output bytes in \(recording.events.count) events; torn tail: \(recording.tornTail.map { "\($0.count) bytes" } ?? "none")")
        #expect(recorded.count >= complete.count, "recording holds \(recorded.count) output bytes, the client had \(complete.count)")
        #expect(common == complete.count,
                "recording and client diverge at byte \(common): client \(String(decoding: complete[common..<min(complete.count, common + 80)], as: UTF8.self).debugDescription)")
        #expect(String(decoding: received, as: UTF8.self).contains("0€\r\nü"), "the stream had no multi-byte characters")
        #expect(recording.timesAreOrdered)

        // Restart on the same data dir: the audit log verifies offline (a torn tail is cut at open) and holds the
        // session's start, which the client had been told about before the kill.
        // Offline verify of the log exactly as the kill left it (informational: a torn last record is reported there).
        let beforeRestart = (try? ChildProcess.run(Executables.path("gangway"), ["audit", "verify", cluster.dataDir])) ?? "failed"
        print("e2e crash: audit verify before restart: \(beforeRestart.split(separator: "\n").first ?? "")")
        try await cluster.startServer()
        let verify = try ChildProcess.run(Executables.path("gangway"), ["audit", "verify", cluster.dataDir])
        print("e2e crash: audit verify: \(verify.trimmingCharacters(in: .whitespacesAndNewlines))")
        #expect(filesContaining(shell.sessionId, under: cluster.dataDir + "/audit") != [],
                "the acknowledged StartSession of \(shell.sessionId) is missing from the audit log")
        // The recording is still readable after the restart (not truncated or overwritten).
        let after = try RecordingOnDisk(path: recordingPath)
        #expect(after.output.starts(with: complete), "the recording changed after the restart")

        let online = try await eventually(timeout: .seconds(20), every: .milliseconds(200)) {
            (try? await cluster.pingStatus(id)) == "Online"
        }
        #expect(online, "agent did not come back Online after the restart")
        // And a new session works on the restarted server.
        let again = try await ShellClient(cluster: cluster, target: id)
        await again.type("echo bac''k-$((3+4))\n")
        _ = try await again.waitFor("back-7")
        await again.close()
        }
    }

    /// A session live at the kill cannot be resumed (its relay died with the process). At the restart it ends as
    /// Failed with the reason in DescribeSessions (it stayed Connected for ever before), its recording ends with a
    /// marker, the end is audited, and `gangway connect`, resuming meanwhile, exits 255 saying why.
    @Test func aSessionLiveAtTheKillEndsAsFailedAtTheRestartAndConnectSaysWhy() async throws {
        try await withCluster { cluster in
        let id = try await cluster.startAgent("crash-2")
        let connect = try ConnectSignalTests.Connect(cluster: cluster, target: id, name: "connect-crash")
        defer { if connect.process.isRunning { kill(connect.process.processIdentifier, SIGKILL) } }
        let sessionId = try await connect.waitUntilTheShellAnswers()
        let server = try #require(cluster.server)
        server.signal(SIGKILL)
        let died = await eventually(timeout: .seconds(10), every: .milliseconds(10)) { !server.process.isRunning }
        #expect(died)
        try await cluster.startServer()
        let restarted = Date()

        let active = try await cluster.call("DescribeSessions", ["State": "Active"])["Sessions"] as? [[String: Any]] ?? []
        #expect(!active.contains { $0["SessionId"] as? String == sessionId }, "still listed as active: \(active)")
        let history = try await cluster.call("DescribeSessions", ["State": "History"])["Sessions"] as? [[String: Any]] ?? []
        let session = try #require(history.first { $0["SessionId"] as? String == sessionId }, "not in History: \(history)")
        #expect(session["Status"] as? String == "Failed")
        let details = session["Details"] as? String ?? ""
        #expect(details.contains("gangwayd stopped unexpectedly"), "Details: \(details)")
        // Ended when it was last relayed (its recording's last write), not at the restart.
        let start = try #require((session["StartDate"] as? NSNumber)?.doubleValue)
        let end = try #require((session["EndDate"] as? NSNumber)?.doubleValue)
        #expect(end >= start.rounded(.down) && end <= restarted.timeIntervalSince1970, "start \(start) end \(end)")

        let recording = try RecordingOnDisk(path: cluster.dataDir + "/recordings/\(sessionId).cast")
        #expect(String(decoding: recording.output, as: UTF8.self).contains("alive-42"))
        let last = try #require(recording.events.last)
        #expect(last.code == "m" && last.data.contains("gangwayd stopped unexpectedly"), "last event: \(last)")
        #expect(recording.timesAreOrdered)

        let audited = auditLines(under: cluster.dataDir + "/audit").contains {
            $0.contains("SessionInterrupted") && $0.contains(sessionId)
        }
        #expect(audited, "no SessionInterrupted audit record for \(sessionId)")

        // The client was resuming all along; now it is told the session is over, and why.
        let exited = await eventually(timeout: .seconds(30), every: .milliseconds(50)) { !connect.process.isRunning }
        #expect(exited, "gangway connect still running; stderr: \(connect.stderr)")
        guard exited else { return }
        #expect(connect.process.terminationStatus == 255)
        #expect(connect.stderr.contains("gangwayd stopped unexpectedly"), "stderr: \(connect.stderr)")
        }
    }

    /// kill -9 of gangway-agent under a live session: its shell dies with it and nothing can resume the session. When
    /// the agent comes back (a new process, same identity) gangwayd ends that session as Failed and tells the client
    /// why, instead of leaving it Connected with keystrokes going nowhere until the idle timeout.
    @Test func aSessionWhoseAgentWasKilledEndsWhenTheAgentComesBack() async throws {
        try await withCluster { cluster in
        let id = try await cluster.startAgent("crash-3")
        let shell = try await ShellClient(cluster: cluster, target: id)
        await shell.type("echo al''ive-$((6*7))\n")
        _ = try await shell.waitFor("alive-42")
        let agent = try #require(cluster.agents["crash-3"])
        agent.signal(SIGKILL)
        let died = await eventually(timeout: .seconds(10), every: .milliseconds(10)) { !agent.process.isRunning }
        #expect(died)
        // Same state directory: the same identity, a new agent process.
        #expect(try await cluster.startAgent("crash-3") == id)

        let closed = await eventually(timeout: .seconds(10), every: .milliseconds(50)) { shell.closed }
        #expect(closed, "the client was not told the session ended")
        #expect(shell.closedReason.contains("gangway-agent on \(id) restarted"), "channel_closed: \(shell.closedReason)")
        let history = try await cluster.call("DescribeSessions", ["State": "History"])["Sessions"] as? [[String: Any]] ?? []
        let session = history.first { $0["SessionId"] as? String == shell.sessionId }
        #expect(session?["Status"] as? String == "Failed", "History: \(history)")
        let audited = auditLines(under: cluster.dataDir + "/audit").contains {
            $0.contains("SessionInterrupted") && $0.contains(shell.sessionId)
        }
        #expect(audited, "no SessionInterrupted audit record for \(shell.sessionId)")
        await shell.close()

        // The new agent process runs new sessions.
        let again = try await ShellClient(cluster: cluster, target: id)
        await again.type("echo bac''k-$((3+4))\n")
        _ = try await again.waitFor("back-7")
        await again.close()
        }
    }

    /// Every line of every file under `root`.
    func auditLines(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var lines: [String] = []
        for case let relative as String in walker {
            guard let text = try? String(contentsOfFile: root + "/" + relative, encoding: .utf8) else { continue }
            lines += text.split(separator: "\n").map(String.init)
        }
        return lines
    }
}
