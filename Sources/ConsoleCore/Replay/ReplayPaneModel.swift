import Recording

/// What the user asks of a replay pane (bound in the key table's `replay` context).
public enum ReplayPaneKey: Sendable, Equatable, CaseIterable {
    case togglePause, faster, slower, step, seekForward, seekBackward, start, end, close

    /// The key for a key-table action, nil for actions that are not replay controls.
    public init?(_ action: KeyAction) {
        switch action {
        case .replayPause: self = .togglePause
        case .replayFaster: self = .faster
        case .replaySlower: self = .slower
        case .replayStep: self = .step
        case .replaySeekForward: self = .seekForward
        case .replaySeekBackward: self = .seekBackward
        case .replayStart: self = .start
        case .replayEnd: self = .end
        case .replayClose: self = .close
        default: return nil
        }
    }
}

/// The state of one replay pane in the console: loading, failed, or playing a recording through `ReplayPlayer`.
///
/// I/O-free, with an injected clock: the UI passes its monotonic time (`now`, seconds from any origin) with every
/// call and applies the returned actions to a terminal screen. Tests drive it with made-up times, without sleeping.
public struct ReplayPaneModel: Sendable {
    public enum Phase: Sendable, Equatable {
        case loading
        case failed(String)
        case ready
    }

    public enum Action: Sendable, Equatable {
        /// Start over on a blank screen of this size (when the recording arrives, seeking back, `g`).
        case reset(cols: Int, rows: Int)
        /// Recorded output for the screen.
        case write([UInt8])
        /// The recorded terminal was resized.
        case resize(cols: Int, rows: Int)
        /// Close the pane.
        case close
    }

    public let sessionId: String
    /// Pauses in the recording longer than this are shortened to it (seconds; nil keeps them).
    public let idleLimit: Double?
    public private(set) var phase: Phase = .loading
    public private(set) var player: ReplayPlayer?
    private var session: RecordedSession?
    private var initialSpeed: Double
    private var lastTick: Double?
    /// Markers (`[redacted input]` and asciicast `m` labels) on the played timeline, shown as stored.
    private var markers: [(at: Double, label: String)] = []
    /// How long (played seconds) a marker stays in the status line.
    public static let markerShownFor = 3.0

    public init(sessionId: String, idleLimit: Double? = 2, speed: Double = 1) {
        self.sessionId = sessionId
        self.idleLimit = idleLimit
        initialSpeed = speed
    }

    /// The recording's terminal size (what the screen is created at).
    public var recordedSize: (cols: Int, rows: Int)? {
        session.map { (max(1, $0.header.width), max(1, $0.header.height)) }
    }

    /// The recording arrived: a blank screen of its size, then whatever is due at time 0.
    public mutating func loaded(_ recording: RecordedSession, now: Double) -> [Action] {
        session = recording
        phase = .ready
        markers = Self.markers(in: recording, idleLimit: idleLimit)
        var p = ReplayPlayer(session: recording, speed: initialSpeed, idleLimit: idleLimit)
        let first = p.advance(wallSeconds: 0)
        player = p
        lastTick = now
        return [.reset(cols: max(1, recording.header.width), rows: max(1, recording.header.height))] + map(first)
    }

    /// Fetching or reading the recording failed; the text is shown in the pane.
    public mutating func failed(_ message: String) -> [Action] {
        phase = .failed(message)
        let text = "\u{1b}[2J\u{1b}[H\u{1b}[1mNo replay for session \(sessionId)\u{1b}[m\r\n\r\n"
            + message.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\r\nq closes this tab."
        return [.write(Array(text.utf8))]
    }

    /// Moves the recording forward by the wall time since the last call (nothing while paused or loading).
    public mutating func tick(now: Double) -> [Action] {
        guard var p = player else { return [] }
        let elapsed = max(0, now - (lastTick ?? now))
        lastTick = now
        let out = p.advance(wallSeconds: elapsed)
        player = p
        return map(out)
    }

    /// Applies a control key at time `now` (time up to `now` is played first, at the old speed).
    public mutating func handle(_ key: ReplayPaneKey, now: Double) -> [Action] {
        if key == .close { return [.close] }
        var out = tick(now: now)
        guard var p = player, let session else { return out }
        switch key {
        case .togglePause: out += map(p.handle(.togglePause))
        case .faster: out += map(p.handle(.faster))
        case .slower: out += map(p.handle(.slower))
        case .step: out += map(p.handle(.step))
        case .seekForward: out += map(p.handle(.seekForward))
        case .seekBackward: out += map(p.handle(.seekBackward))
        case .end: out += map(p.playAll())
        case .start:
            let wasPaused = p.paused
            p = ReplayPlayer(session: session, speed: p.speed, idleLimit: idleLimit)
            out += [.reset(cols: max(1, session.header.width), rows: max(1, session.header.height))]
            out += map(p.advance(wallSeconds: 0))
            if wasPaused { _ = p.handle(.togglePause) }
        case .close: break
        }
        player = p
        return out
    }

    /// Played position and length in seconds (pauses capped at `idleLimit`).
    public var position: Double { player?.position ?? 0 }
    public var duration: Double { player?.duration ?? 0 }
    public var speed: Double { player?.speed ?? initialSpeed }
    public var paused: Bool { player?.paused ?? false }
    public var finished: Bool { player?.finished ?? false }

    /// `replay SESSION_ID  00:12 / 01:30  2×  paused`.
    public var statusLine: String {
        switch phase {
        case .loading: return "replay \(sessionId)  loading…"
        case .failed(let m): return "replay \(sessionId)  failed: \(m.split(separator: "\n").first.map(String.init) ?? m)"
        case .ready:
            let state = paused ? "paused" : finished ? "ended" : "playing"
            let line = "replay \(sessionId)  \(Self.clock(position)) / \(Self.clock(duration))  \(Self.speedText(speed))  \(state)"
            return recentMarker.map { line + "  " + $0 } ?? line
        }
    }

    /// The label of a marker played within the last `markerShownFor` seconds (e.g. `[redacted input]`).
    public var recentMarker: String? {
        guard let m = markers.last(where: { $0.at <= position }), position - m.at < Self.markerShownFor else { return nil }
        return m.label
    }

    /// Marker times on the played timeline, with pauses capped as `ReplayPlayer` caps them.
    static func markers(in session: RecordedSession, idleLimit: Double?) -> [(at: Double, label: String)] {
        var out: [(at: Double, label: String)] = []
        let times = ReplayPlayer.playedTimes(of: session, idleLimit: idleLimit)
        for (e, played) in zip(session.events, times) {
            switch e.kind {
            case .redactedInput: out.append((played, AsciicastWriter.redactionLabel))
            case .marker(let label): out.append((played, label))
            default: break
            }
        }
        return out
    }

    /// `mm:ss` (or `h:mm:ss` from an hour on).
    public static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(two(s / 60)):\(two(s % 60))"
    }

    /// `0.5×`, `1×`, `16×`.
    public static func speedText(_ speed: Double) -> String {
        speed == speed.rounded() ? "\(Int(speed))×" : "\(speed)×"
    }

    private func map(_ actions: [ReplayPlayer.Action]) -> [Action] {
        actions.map { a in
            switch a {
            case .write(let b): return .write(b)
            case .reset: return .reset(cols: recordedSize?.cols ?? 80, rows: recordedSize?.rows ?? 24)
            case .resize(let c, let r): return .resize(cols: c, rows: r)
            case .quit: return .close
            }
        }
    }
}
