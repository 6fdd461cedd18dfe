import Foundation
import GangwayTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `gangway connect` in a real terminal (tmux), as a person uses it, against a real gangwayd and agent: the remote
/// output is written to the terminal from the data channel's loop as it is read, keystrokes go from the reader thread
/// straight to the loop, and neither may lose, reorder or hold anything.
@Suite("gangway connect in a terminal", .serialized, .timeLimit(.minutes(3)))
struct ConnectTerminalTests {
    @Test func outputInputPasteAndEscapeThroughARealTerminal() async throws {
        try await withCluster { cluster in
            let target = try await cluster.startAgent("tty")
            let h = TmuxHarness()
            defer { h.stop() }
            let captured = cluster.root + "/pane.out"
            // After connect, the terminal's mode as the shell sees it: keystrokes are read on connect's event loop
            // through a non-blocking second open of the terminal, which must leave the shell's descriptors blocking.
            let modeCheck = "python3 -c \"import fcntl,os; print('stdin-' + ('nonblocking' if fcntl.fcntl(0, fcntl.F_GETFL) & os.O_NONBLOCK else 'blocking'))\""
            h.start("\(Executables.path("gangway")) connect \(target) --endpoint-url \(cluster.baseURL); s=$?; \(modeCheck); (exit $s)",
                    cols: 100, rows: 30,
                    env: ["AWS_ACCESS_KEY_ID": cluster.credentials.accessKeyId,
                          "AWS_SECRET_ACCESS_KEY": cluster.credentials.secretAccessKey,
                          "AWS_REGION": "us-east-1", "HOME": cluster.root, "TERM": "tmux-256color"])
            h.tmux(["pipe-pane", "-t", h.session, "-o", "cat >> \(captured)"])  // every byte the pane receives

            // The session's first output (the prompt) is held until the terminal is set up: nothing remote comes
            // before the "Starting session" line.
            let first = h.waitFor("the remote prompt", timeout: 30) { screen in
                screen.contains("Starting session") && screen.split(separator: "\n").contains {
                    let line = $0.trimmingCharacters(in: .whitespaces)
                    return line.hasSuffix("$") || line.hasSuffix("#")
                }
            }
            let lines = first.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(lines.first?.hasPrefix("Starting session with SessionId: ") == true, "\(first)")
            h.run("echo ready-$((6*7))", until: "ready-42")

            // Output: 200,000 lines, every one, in order, through the terminal.
            h.run("seq 1 200000; echo seq-$((6*7))", until: "seq-42", timeout: 60)
            let raw = (try? String(contentsOfFile: captured, encoding: .utf8)) ?? ""
            let afterCommand = raw.range(of: "echo seq-$((6*7))\r\n").map { String(raw[$0.upperBound...]) } ?? ""
            // Each line as the terminal shows it: what follows its last CR (bash switches bracketed paste off with
            // an escape and a CR before the command's output).
            let shown = afterCommand.components(separatedBy: "\r\n").map { $0.split(separator: "\r").last.map(String.init) ?? "" }
            let numbers = shown.prefix { Int($0) != nil }.compactMap { Int($0) }
            let inOrder = numbers.elementsEqual(1...200_000)
            #expect(inOrder, "\(numbers.count) lines, first \(numbers.first ?? -1), last \(numbers.last ?? -1): lines lost or out of order")

            // Input: a 2 MB paste (over the 1 MiB the data channel queues before the reader waits) arrives whole.
            let pasteFile = cluster.root + "/paste.txt"
            // Written by the remote shell, which runs as the agent's unprivileged user: outside the cluster's root.
            let pasted = NSTemporaryDirectory() + "gw-pasted-\(UUID().uuidString.prefix(8)).txt"
            defer { unlink(pasted) }
            try Data(repeating: UInt8(ascii: "x"), count: 2_000_000).write(to: URL(fileURLWithPath: pasteFile))
            h.run("stty raw -echo; echo paste-now; head -c 2000000 > \(pasted); stty sane; echo pasted-$(wc -c < \(pasted))",
                  until: "paste-now")
            h.tmux(["load-buffer", pasteFile])
            h.tmux(["paste-buffer", "-t", h.session])
            h.waitFor(text: "pasted-2000000", timeout: 60)
            let received = try Data(contentsOf: URL(fileURLWithPath: pasted))
            #expect(received.count == 2_000_000 && received.allSatisfy { $0 == UInt8(ascii: "x") })

            // `~.` at the start of a line leaves at once with 255, as ssh does.
            h.keys("Enter")
            h.type("~.")
            let end = h.waitFor(text: "EXITED 255", timeout: 20)
            #expect(end.contains("closed (~.)"), "\(end)")
            #expect(end.contains("stdin-blocking"), "\(end)")
        }
    }

    /// The path between `gangway connect` and gangwayd dies without a FIN (every byte dropped): connect hears nothing,
    /// pings, drops the socket after its keepalive's dead time (shortened through `GANGWAY_DATA_KEEPALIVE`), says so,
    /// resumes with ResumeSession, and what was typed into the dead path runs.
    @Test func silentPathIsDroppedAndTheSessionResumes() async throws {
        try await withCluster { cluster in
            let target = try await cluster.startAgent("tty-keepalive")
            let proxy = try CuttableTCPProxy(to: cluster.port)
            defer { proxy.stop() }
            let h = TmuxHarness()
            defer { h.stop() }
            h.start("\(Executables.path("gangway")) connect \(target) --endpoint-url \(proxy.url)", cols: 200, rows: 30,
                    env: ["AWS_ACCESS_KEY_ID": cluster.credentials.accessKeyId,
                          "AWS_SECRET_ACCESS_KEY": cluster.credentials.secretAccessKey,
                          "AWS_REGION": "us-east-1", "HOME": cluster.root, "TERM": "tmux-256color",
                          "GANGWAY_DATA_KEEPALIVE": "1,2.5,0.25"])
            h.waitFor(text: "Starting session", timeout: 30)
            h.run("echo ready-$((6*7))", until: "ready-42")
            #expect(proxy.stall(where: ChannelRequest.data) == 1, "\(proxy.liveFirstLines)")
            h.run("echo after-$((7*8))", until: "after-56", timeout: 30)
            let screen = h.waitFor(text: "resumed", timeout: 10)
            #expect(screen.contains("[gangway] connection to the session lost (nothing heard from the server for 3 s, ping unanswered); resuming")
                    || screen.contains("[gangway] connection to the session lost (nothing heard from the server for 2 s, ping unanswered); resuming"),
                    "\(screen)")
            #expect(!screen.contains("warning"), "a log warning in the user's terminal: \(screen)")
            h.type("exit")
            h.keys("Enter")
            h.waitFor(text: "EXITED 0", timeout: 20)
        }
    }
}
