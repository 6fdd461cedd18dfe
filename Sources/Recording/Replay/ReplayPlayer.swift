/// Plays a recording as a state machine, no I/O and no clock: the caller reports elapsed wall time and keys,
/// and writes out the returned actions. Idle gaps longer than `idleLimit` are shortened to it.
public struct ReplayPlayer: Sendable {
    public enum Key: Sendable, Equatable {
        case togglePause, step, faster, slower, seekForward, seekBackward, quit
    }

    public enum Action: Sendable, Equatable {
        /// Bytes for the terminal.
        case write([UInt8])
        /// Reset the terminal before re-drawing (seek backwards).
        case reset
        /// The recording's terminal size changed.
        case resize(cols: Int, rows: Int)
        case quit
    }

    public static let speeds: [Double] = [0.5, 1, 2, 4, 8, 16]
    public static let seekStep = 5.0

    /// Event times on the played timeline (idle gaps capped), parallel to `events`.
    private let times: [Double]
    private let events: [RecordingEvent]
    /// Position on the played timeline, in seconds.
    public private(set) var position: Double = 0
    public private(set) var speed: Double
    public private(set) var paused = false
    private var next = 0

    public var duration: Double { times.last ?? 0 }
    public var finished: Bool { next >= events.count }

    /// Each event's time on the played timeline: recorded gaps, each capped at `idleLimit` when given.
    public static func playedTimes(of session: RecordedSession, idleLimit: Double?) -> [Double] {
        var times: [Double] = []
        times.reserveCapacity(session.events.count)
        var played = 0.0, previous = 0.0
        for e in session.events {
            var gap = max(0, e.time - previous)
            if let idleLimit { gap = min(gap, idleLimit) }
            played += gap
            previous = max(previous, e.time)
            times.append(played)
        }
        return times
    }

    public init(session: RecordedSession, speed: Double = 1, idleLimit: Double? = nil) {
        self.times = Self.playedTimes(of: session, idleLimit: idleLimit)
        self.events = session.events
        self.speed = min(16, max(0.5, speed))
    }

    /// Wall seconds until the next event is due (nil when paused or finished): the caller's wait timeout.
    public var wallSecondsUntilNextEvent: Double? {
        guard !paused, !finished else { return nil }
        return max(0, times[next] - position) / speed
    }

    /// Moves time forward by `wallSeconds` (unless paused) and returns the events now due.
    public mutating func advance(wallSeconds: Double) -> [Action] {
        guard !paused else { return [] }
        position = min(duration, position + wallSeconds * speed)
        return emitDue()
    }

    /// Everything, at once (`--no-wait`).
    public mutating func playAll() -> [Action] {
        position = duration
        return emitDue()
    }

    public mutating func handle(_ key: Key) -> [Action] {
        switch key {
        case .quit: return [.quit]
        case .togglePause: paused.toggle(); return []
        case .faster: speed = Self.speeds.first { $0 > speed } ?? speed; return []
        case .slower: speed = Self.speeds.last { $0 < speed } ?? speed; return []
        case .step:
            guard !finished else { return [] }
            paused = true
            position = times[next]
            return emitDue()
        case .seekForward:
            position = min(duration, position + Self.seekStep)
            return emitDue()
        case .seekBackward:
            position = max(0, position - Self.seekStep)
            next = 0
            return [.reset] + emitDue()
        }
    }

    private mutating func emitDue() -> [Action] {
        var actions: [Action] = []
        // Consecutive output is merged into one write, appended in place (copying the merged bytes for every
        // event made seeking in a long recording quadratic: 31 s for 4 MB).
        var pending: [UInt8] = []
        while next < events.count, times[next] <= position {
            switch events[next].kind {
            case let .output(bytes): pending += bytes
            case let .resize(cols, rows):
                if !pending.isEmpty { actions.append(.write(pending)); pending = [] }
                actions.append(.resize(cols: cols, rows: rows))
            case .input, .redactedInput, .marker: break
            }
            next += 1
        }
        if !pending.isEmpty { actions.append(.write(pending)) }
        return actions
    }
}
