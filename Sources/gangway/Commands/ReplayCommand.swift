import ArgumentParser
import AWSCore
import ConsoleCore
import Foundation
import GangwayClient
import Recording

/// `gangway replay SESSION_ID|FILE`: play a recorded session in this terminal.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Replay a recorded session.",
        discussion: """
            FILE is an asciicast v2 recording (gangwayd's DATA_DIR/recordings/<id>.cast, or asciinema's) or a \
            `script` typescript like Session Manager writes to S3 (with --timing for its pace). A SESSION_ID is \
            looked up in --data-dir/recordings, or without --data-dir fetched from gangwayd (--endpoint-url, \
            --profile; needs gangway:GetSessionRecording). Keys: space pause · . step · + / - speed · ← / → seek 5 s · q quit.

            A recording holds whatever programs on the host printed, so by default the replay leaves out the control \
            sequences that would act on your terminal beyond drawing the screen: status and title reports (which \
            the terminal answers as if typed), OSC/DCS strings (clipboard, title, hyperlinks, colours), mouse, focus, \
            paste and keyboard modes, C1 controls. How many were left out is printed at the end. --raw writes every \
            byte as recorded.
            """)

    @Argument(help: "A session id or a recording file.")
    var recording: String

    @Option(help: "Playback speed, 0.5 to 16.")
    var speed: Double = 1

    @Option(name: .customLong("idle-limit"), help: "Shorten pauses longer than this many seconds.")
    var idleLimit: Double?

    @Flag(name: .customLong("no-wait"), help: "Print everything at once (no pacing, no keys).")
    var noWait = false

    @Flag(help: "Write the recorded output byte for byte, control sequences that act outside the screen included.")
    var raw = false

    @Option(help: "Timing file for a `script` typescript (script -t / --log-timing).")
    var timing: String?

    @Option(name: .customLong("data-dir"), help: "gangwayd data dir to find SESSION_ID's recording in.")
    var dataDir: String?

    @OptionGroup var aws: AWSOptions

    func validate() throws {
        guard (0.5...16).contains(speed) else { throw ValidationError("--speed must be between 0.5 and 16") }
        if let idleLimit, idleLimit <= 0 { throw ValidationError("--idle-limit must be positive") }
    }

    func run() async throws {
        let session = try await load()
        var player = ReplayPlayer(session: session, speed: speed, idleLimit: idleLimit)
        var filter: ReplayOutputFilter? = raw ? nil : ReplayOutputFilter()
        defer {
            if let filter { Self.reportLeftOut(filter.dropped) }
            // A note gangwayd left at the end (e.g. it stopped unexpectedly and the session was not relayed after).
            if case .marker(let note)? = session.events.last?.kind {
                FileHandle.standardError.write(Data("gangway replay: the recording ends with a note: \(note)\n".utf8))
            }
        }
        if noWait {
            ReplayTerminal.write(player.playAll(), filter: &filter)
            return
        }
        try ReplayTerminal.play(&player, filter: &filter)
    }

    /// One line on stderr when the filter left anything out (an ordinary shell session has some: bash sets the
    /// title and bracketed paste at every prompt).
    static func reportLeftOut(_ d: ReplayOutputFilter.Dropped) {
        guard d.total > 0 else { return }
        let parts = [(d.reports, "terminal queries"), (d.strings, "title/clipboard/hyperlink strings"),
                     (d.inputModes, "mouse/paste/keyboard modes"), (d.c1Controls, "C1 controls"),
                     (d.oversized, "over-long sequences")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        let text = "gangway replay: left out \(d.total) control sequence\(d.total == 1 ? "" : "s") that act outside the " +
            "screen (\(parts.joined(separator: ", "))); --raw replays every byte\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    func load() async throws -> RecordedSession {
        var url = URL(fileURLWithPath: recording)
        if !FileManager.default.fileExists(atPath: url.path) {
            guard let dataDir else {
                return try parse(Array(try await fetch(sessionId: recording).utf8))
            }
            url = URL(fileURLWithPath: dataDir).appendingPathComponent("recordings/\(recording).cast")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ValidationError("no recording for session \(recording) in \(url.deletingLastPathComponent().path)")
            }
        }
        return try parse(Array(try Data(contentsOf: url)))
    }

    func parse(_ bytes: [UInt8]) throws -> RecordedSession {
        if TypescriptReader.looksLikeTypescript(bytes) || timing != nil {
            let timingText = try timing.map { try String(contentsOfFile: $0, encoding: .utf8) }
            return try TypescriptReader.read(bytes, timing: timingText)
        }
        return try AsciicastReader.read(bytes)
    }

    /// The recording text of `sessionId` from gangwayd's GetSessionRecording (same fetch and messages as the
    /// console's replay pane).
    func fetch(sessionId: String) async throws -> String {
        let fleet = SSMFleetSource(settings: try aws.settings(service: "ssm"), http: aws.httpClient())
        do {
            return try await fleet.recordingText(sessionId: sessionId)
        } catch let failure as ReplayLoader.Failure {
            throw CLIError("\(failure)")
        }
    }
}
