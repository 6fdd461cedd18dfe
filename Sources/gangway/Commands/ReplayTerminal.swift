import Foundation
import Recording

/// The I/O around `ReplayPlayer`: raw-mode keys from stdin, output to stdout, a monotonic clock and poll(2)
/// timeouts (no sleeping loop). The terminal mode is restored on every exit path.
enum ReplayTerminal {
    /// Writes the actions' bytes, through `filter` unless it is nil (`--raw`).
    static func write(_ actions: [ReplayPlayer.Action], filter: inout ReplayOutputFilter?) {
        for action in actions {
            switch action {
            case let .write(bytes): writeAll(filter?.filter(bytes) ?? bytes)
            case .reset:
                filter?.reset()
                writeAll(Array("\u{1b}c".utf8))
            case .resize, .quit: break
            }
        }
    }

    static func writeAll(_ bytes: [UInt8]) {
        var done = 0
        bytes.withUnsafeBytes { buf in
            while done < buf.count {
                let n = Foundation.write(STDOUT_FILENO, buf.baseAddress! + done, buf.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func play(_ player: inout ReplayPlayer, filter: inout ReplayOutputFilter?) throws {
        let interactive = isatty(STDIN_FILENO) != 0
        var saved = termios()
        if interactive {
            tcgetattr(STDIN_FILENO, &saved)
            var raw = saved
            cfmakeraw(&raw)
            raw.c_oflag |= tcflag_t(OPOST)  // keep \n → \r\n for our own status output
            tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        }
        defer {
            if interactive { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
            writeAll(Array("\u{1b}[0m\r\n".utf8))
        }
        var last = now()
        var keys = ReplayKeyDecoder()
        while !player.finished || player.paused {
            let wait = player.wallSecondsUntilNextEvent.map { Int32(min(1000, ($0 * 1000).rounded(.up))) } ?? -1
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = interactive ? poll(&fds, 1, wait) : poll(nil, 0, wait)
            let t = now()
            var actions = player.advance(wallSeconds: t - last)
            last = t
            if ready > 0, fds.revents & Int16(POLLIN) != 0 {
                var buf = [UInt8](repeating: 0, count: 64)
                let n = read(STDIN_FILENO, &buf, buf.count)
                if n <= 0 { break }
                for key in keys.feed(Array(buf[0..<n])) { actions += player.handle(key) }
            }
            write(actions, filter: &filter)
            if actions.contains(.quit) { return }
        }
    }
}

/// Bytes from a raw-mode terminal → player keys (arrow keys arrive as ESC [ C / ESC [ D).
struct ReplayKeyDecoder {
    private var pending: [UInt8] = []

    mutating func feed(_ bytes: [UInt8]) -> [ReplayPlayer.Key] {
        var keys: [ReplayPlayer.Key] = []
        pending += bytes
        while !pending.isEmpty {
            if pending[0] == 0x1B {
                guard pending.count >= 3 else { if pending.count == 1 { pending.removeAll() }; break }
                if pending[1] == UInt8(ascii: "[") || pending[1] == UInt8(ascii: "O") {
                    if pending[2] == UInt8(ascii: "C") { keys.append(.seekForward) }
                    if pending[2] == UInt8(ascii: "D") { keys.append(.seekBackward) }
                    pending.removeFirst(3)
                } else {
                    pending.removeFirst()
                }
                continue
            }
            switch pending.removeFirst() {
            case UInt8(ascii: " "): keys.append(.togglePause)
            case UInt8(ascii: "."): keys.append(.step)
            case UInt8(ascii: "+"), UInt8(ascii: "="): keys.append(.faster)
            case UInt8(ascii: "-"), UInt8(ascii: "_"): keys.append(.slower)
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03, 0x04: keys.append(.quit)
            default: break
            }
        }
        return keys
    }
}
