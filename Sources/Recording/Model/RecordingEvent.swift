/// One thing that happened in a recorded terminal session, at `time` seconds after it started.
public struct RecordingEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Bytes the terminal displayed.
        case output([UInt8])
        /// Bytes the user typed while the remote echo was on.
        case input([UInt8])
        /// Input typed while echo was off (a password prompt): the bytes were never stored.
        case redactedInput
        case resize(cols: Int, rows: Int)
        /// A labelled point in time (asciicast `m` event).
        case marker(String)
    }

    public var time: Double
    public var kind: Kind

    public init(time: Double, kind: Kind) {
        self.time = time
        self.kind = kind
    }
}

/// Terminal size, start time and title of a recording (the asciicast v2 header).
public struct RecordingHeader: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Unix time the session started, whole seconds.
    public var timestamp: Int?
    public var title: String?
    public var term: String?
    public var shell: String?

    public init(width: Int, height: Int, timestamp: Int? = nil, title: String? = nil, term: String? = "xterm-256color",
                shell: String? = nil) {
        self.width = width
        self.height = height
        self.timestamp = timestamp
        self.title = title
        self.term = term
        self.shell = shell
    }
}

/// A whole recording in memory: what readers return and the player plays.
public struct RecordedSession: Sendable, Equatable {
    public var header: RecordingHeader
    public var events: [RecordingEvent]

    public init(header: RecordingHeader, events: [RecordingEvent]) {
        self.header = header
        self.events = events
    }

    /// All output bytes in order (what `asciinema cat` prints).
    public var output: [UInt8] {
        events.reduce(into: []) { if case let .output(b) = $1.kind { $0 += b } }
    }

    public var duration: Double { events.last?.time ?? 0 }
}
