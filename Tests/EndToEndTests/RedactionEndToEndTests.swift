import Foundation
import GangwayTesting
import Testing

/// Secret redaction through the real binaries: a `read -s` prompt in a real PTY on a real agent, the echo flag
/// reported by the agent, the recording written by gangwayd. The typed secret must appear nowhere on disk.
@Suite("Redaction end to end", .serialized, .timeLimit(.minutes(2))) struct RedactionEndToEndTests {
    /// Ends the shell (`exit`), closes the client, and reads the session's recording once gangwayd finished it.
    static func exitAndReadRecording(_ shell: ShellClient, cluster: Cluster) async throws -> RecordingOnDisk {
        #expect(await shell.exitAndClose(), "session did not end after exit")
        let recordingPath = cluster.dataDir + "/recordings/\(shell.sessionId).cast"
        let closed = await eventually(timeout: .seconds(10)) {
            (try? RecordingOnDisk(path: recordingPath))?.tornTail == nil
        }
        #expect(closed, "the recording was not finished")
        return try RecordingOnDisk(path: recordingPath)
    }

    @Test func secretTypedAtReadSilentPromptIsNowhereOnDiskAndVisibleInputIsRecorded() async throws {
        try await withCluster { cluster in
        let id = try await cluster.startAgent("redact-1")
        let shell = try await ShellClient(cluster: cluster, target: id)
        let visible = "visible-" + randomToken()
        let secretPart = randomToken()
        let secret = "S3cr3t-" + secretPart
        // Quoting splits the words the test waits for, so the shell's echo of the command line never matches them.
        await shell.type("echo rea''dy-$((1+1))\n")
        var at = try await shell.waitFor("ready-2")

        // At bash's readline prompt the terminal's ECHO flag is off (readline echoes by itself), so the typed line
        // counts as echo-off input; it is still in the recording as the output readline echoed.
        let atPrompt = "prompt-" + randomToken()
        await shell.type("echo \(atPrompt) > /dev/null\n")
        at = try await shell.waitFor("echo \(atPrompt)", from: at)
        // Without line editing the kernel echoes (ECHO on): input typed then is recorded as it is.
        await shell.type("set +o emacs +o vi; echo lin''e-editing-off\n")
        at = try await shell.waitFor("line-editing-off", from: at)
        await shell.type("echo \(visible)\n")
        at = try await shell.waitFor("\(visible)\r\n", from: at)

        // Echo off (bash's read -s): the secret reaches the program, but not the recording.
        await shell.type("read -s -p 'Pass''word: ' pw; echo; echo go''t-${#pw}\n")
        at = try await shell.waitFor("Password: ", from: at)
        await shell.type(secret + "\r")
        at = try await shell.waitFor("got-\(secret.count)", from: at)
        #expect(!shell.text.contains(secretPart), "the terminal echoed the secret: read -s did not turn echo off")
        // Echo is back on after read -s: what is typed next is recorded again.
        let after = "after-" + randomToken()
        await shell.type("echo \(after)\n")
        at = try await shell.waitFor("\(after)\r\n", from: at)

        let recording = try await Self.exitAndReadRecording(shell, cluster: cluster)

        // Nowhere on disk while gangwayd runs (recordings, audit segments, sqlite db and its WAL, logs).
        let scanned = allFiles(under: cluster.dataDir)
        #expect(scanned.contains { $0.hasPrefix("recordings/") } && scanned.contains { $0.hasPrefix("audit/") })
        #expect(scanned.contains { $0.hasSuffix(".sqlite") || $0.hasSuffix(".db") }, "no database among \(scanned)")
        #expect(filesContaining(secretPart, under: cluster.root) == [], "secret found on disk (scanned \(scanned))")

        // The redaction is visible in the recording, and echoed input is not hidden.
        #expect(recording.markers.contains("[redacted input]"), "no redaction marker; markers: \(recording.markers)")
        #expect(!recording.input.contains(secretPart))
        let output = String(decoding: recording.output, as: UTF8.self)
        #expect(output.contains("got-\(secret.count)"))
        #expect(output.contains("Password: "))
        #expect(output.contains("\(visible)\r\n"), "echoed command output missing from the recording")
        #expect(recording.input.contains("echo \(visible)"),
                "input typed with echo on is not in the recording's i events: \(recording.input.debugDescription)")
        #expect(recording.input.contains("echo \(after)"), "input after the password prompt is still redacted")
        #expect(output.contains("echo \(atPrompt)"), "the line typed at the readline prompt is not in the output")
        #expect(recording.timesAreOrdered)

        // And still nowhere once gangwayd has stopped (WAL checkpointed, audit sealed).
        await cluster.server?.stop()
        #expect(filesContaining(secretPart, under: cluster.root) == [])
        }
    }

    /// The common script pattern `printf 'Password: '; stty -echo; read pw; stty echo`: the prompt is printed while
    /// echo is still on and `stty` (another process, a millisecond later) turns it off, with no output to carry the
    /// change. The agent looks at the echo flag again shortly after the terminal went quiet, so gangwayd knows before a
    /// person has read the prompt and typed (or pasted) the secret.
    @Test func secretTypedAfterAPromptPrintedBeforeEchoWentOffIsNotRecorded() async throws {
        try await withCluster { cluster in
        let id = try await cluster.startAgent("redact-2")
        let shell = try await ShellClient(cluster: cluster, target: id)
        let secretPart = randomToken()
        let secret = "Pasted-" + secretPart
        await shell.type("set +o emacs +o vi; echo rea''dy-$((2+2))\n")
        var at = try await shell.waitFor("ready-4")
        await shell.type("printf 'Pass''word: '; stty -echo; read pw; stty echo; echo; echo go''t-${#pw}\n")
        at = try await shell.waitFor("Password: ", from: at)
        try await Task.sleep(for: .milliseconds(300))  // a person reading the prompt
        await shell.type(secret + "\r")  // one message, as a paste
        at = try await shell.waitFor("got-\(secret.count)", from: at)
        #expect(!shell.text.contains(secretPart), "the terminal echoed the secret: stty -echo did not turn echo off")
        // A slower program: echo goes off 0.3 s after its prompt; the secret is typed 0.8 s after the prompt.
        let pinPart = randomToken()
        await shell.type("printf 'P''IN: '; sleep 0.3; stty -echo; read pin; stty echo; echo; echo go''t-pin-${#pin}\n")
        at = try await shell.waitFor("PIN: ", from: at)
        try await Task.sleep(for: .milliseconds(800))
        await shell.type("pin-" + pinPart + "\r")
        at = try await shell.waitFor("got-pin-\(4 + pinPart.count)", from: at)
        #expect(!shell.text.contains(pinPart), "the terminal echoed the PIN")
        let after = "after-" + randomToken()
        await shell.type("echo \(after)\n")
        at = try await shell.waitFor("\(after)\r\n", from: at)
        let recording = try await Self.exitAndReadRecording(shell, cluster: cluster)
        #expect(filesContaining(secretPart, under: cluster.root) == [], "secret found on disk")
        #expect(filesContaining(pinPart, under: cluster.root) == [], "PIN found on disk")
        #expect(recording.markers.contains("[redacted input]"), "no redaction marker; markers: \(recording.markers)")
        #expect(recording.input.contains("echo \(after)"), "input after the password prompt is still redacted")
        }
    }

    /// Echo goes off while the agent's data channel is down (its socket cut, reconnects refused for 1.5 s): the
    /// agent's echo report then had nowhere to go. Once the channel is back, the agent says the flag again, so the
    /// secret typed after that is redacted rather than recorded as if echo were still on.
    @Test func echoChangeWhileTheAgentsDataChannelWasDownIsReportedOnceItIsBack() async throws {
        try await withCluster { cluster in
        let proxy = try CuttableTCPProxy(to: cluster.port)
        defer { proxy.stop() }
        let id = try await cluster.startAgent("redact-3", server: proxy.url)
        let shell = try await ShellClient(cluster: cluster, target: id)
        let secretPart = randomToken()
        await shell.type("set +o emacs +o vi; echo rea''dy-$((3+3))\n")
        var at = try await shell.waitFor("ready-6")
        await shell.type("sleep 0.5; stty -echo; sleep 2.5; printf 'o''ff-now: '; read pw; stty echo; echo; echo go''t-${#pw}\n")
        at = try await shell.waitFor("${#pw}\r\n", from: at)  // the kernel echoed the command line: it is running
        proxy.refuse(where: ChannelRequest.data)
        #expect(proxy.cut(where: ChannelRequest.data) == 1, "no agent data channel through the proxy: \(proxy.liveFirstLines)")
        try await Task.sleep(for: .milliseconds(1500))  // stty -echo runs meanwhile, the agent's report is lost
        proxy.refuse(where: nil)
        at = try await shell.waitFor("off-now: ", from: at, timeout: .seconds(20))
        try await Task.sleep(for: .milliseconds(300))
        await shell.type("Typed-" + secretPart + "\r")
        at = try await shell.waitFor("got-\(6 + secretPart.count)", from: at)
        #expect(!shell.text.contains(secretPart), "the terminal echoed the secret: stty -echo did not turn echo off")
        let recording = try await Self.exitAndReadRecording(shell, cluster: cluster)
        #expect(filesContaining(secretPart, under: cluster.root) == [], "secret found on disk")
        #expect(recording.markers.contains("[redacted input]"), "no redaction marker; markers: \(recording.markers)")
        }
    }
}
