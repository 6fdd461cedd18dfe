import Foundation
import GangwayTesting
import Testing

/// A recording gangwayd cannot write ends its session: nothing is relayed unrecorded. The write failure is real: the
/// real gangwayd runs under a file size limit (`prlimit --fsize`, as `ulimit -f` or systemd's `LimitFSIZE=` would set
/// it), so the recording's write(2) stores what fits and then fails with EFBIG, as on a full disk.
@Suite("Recording failure end to end", .serialized, .timeLimit(.minutes(2))) struct RecordingFailureEndToEndTests {
    static let limit = 2 * 1024 * 1024

    @Test func aRecordingThatCannotBeWrittenEndsTheSessionAndTheClientSawOnlyWhatWasRecorded() async throws {
        try await withCluster(serverWrapper: ["/usr/bin/prlimit", "--fsize=\(Self.limit)", "--"]) { cluster in
            let id = try await cluster.startAgent("recfail-1")
            let shell = try await ShellClient(cluster: cluster, target: id)
            await shell.type("echo rea''dy-$((2+3))\n")
            _ = try await shell.waitFor("ready-5")
            // ~4 MB of output: the recording reaches the 2 MiB limit part-way.
            await shell.type("head -c 3000000 /dev/zero | base64 -w 100; echo fini''shed\n")
            let ended = await eventually(timeout: .seconds(30)) { shell.closed }
            #expect(ended, "the session went on after its recording failed (received \(shell.count) bytes)")
            #expect(shell.closedReason.contains("could not write its recording"), "channel_closed said: \(shell.closedReason)")
            #expect(shell.closedReason.contains("(File too large)"), "channel_closed said: \(shell.closedReason)")
            #expect(!shell.text.contains("finished"))
            #expect(cluster.server?.process.isRunning == true, "gangwayd died at its file size limit: \(cluster.server?.stderr ?? "")")

            // The file holds whole events up to the failure, and everything the client was shown is in it.
            let path = cluster.dataDir + "/recordings/\(shell.sessionId).cast"
            let recording = try RecordingOnDisk(path: path)
            #expect(recording.tornTail == nil, "the recording ends with a torn line: \(recording.tornTail?.prefix(80) ?? "")")
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect(size <= Self.limit && size > Self.limit - 64 * 1024, "recording is \(size) bytes")
            let shown = shell.bytes
            #expect(shown.count > 1_000_000, "the client got only \(shown.count) bytes before the failure")
            #expect(recording.output.starts(with: shown),
                    "the client was shown \(shown.count) bytes, the recording holds \(recording.output.count) and they differ")

            let history = try await cluster.call("DescribeSessions", ["State": "History",
                                                                     "Filters": [["key": "SessionId", "value": shell.sessionId]]])
            let session = (history["Sessions"] as? [[String: Any]])?.first
            #expect(session?["Status"] as? String == "Failed")
            #expect((session?["Details"] as? String ?? "").contains("could not write its recording"))
            await shell.close()

            // What `gangway connect` makes of it: the reason on stderr and exit status 255 (no remote exit status).
            let connect = try ConnectSignalTests.Connect(cluster: cluster, target: id, name: "connect-recfail")
            connect.type("head -c 3000000 /dev/zero | base64 -w 100; echo fini''shed\n")
            let exited = await eventually(timeout: .seconds(30)) { !connect.process.isRunning }
            #expect(exited, "gangway connect still runs: \(connect.stderr.suffix(300))")
            if exited {
                #expect(connect.process.terminationStatus == 255)
                #expect(connect.stderr.contains("could not write its recording"), "stderr: \(connect.stderr.suffix(300))")
                #expect(connect.stderr.contains("(File too large)"))
                #expect(!connect.stderr.contains(cluster.dataDir), "the user is shown the server's paths: \(connect.stderr)")
            } else {
                connect.process.terminate()
            }

            // Nothing else is disturbed: the agent and gangwayd serve a new session, recorded in its own file.
            let next = try await ShellClient(cluster: cluster, target: id)
            await next.type("echo ag''ain-$((6*7))\n")
            _ = try await next.waitFor("again-42")
            #expect(await next.exitAndClose())
            let nextRecording = try RecordingOnDisk(path: cluster.dataDir + "/recordings/\(next.sessionId).cast")
            #expect(String(decoding: nextRecording.output, as: UTF8.self).contains("again-42"))
        }
    }
}
