import Foundation

/// Reads a util-linux `script` typescript, the format Session Manager writes to S3/CloudWatch:
/// `Script started on 2026-11-30 13:58:27+00:00 [TERM="xterm" TTY="/dev/pts/1" COLUMNS="80" LINES="24"]`,
/// the raw output, and optionally `Script done on … [COMMAND_EXIT_CODE="0"]`.
/// With a timing file (`script -t` classic `DELAY BYTES` lines, or `--log-timing` advanced `O|I DELAY BYTES`,
/// `S DELAY SIGWINCH ROWS=r COLS=c`, `H DELAY NAME VALUE`) the output keeps its original pace; without one all of
/// it appears at time 0.
public enum TypescriptReader {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var reason: String
        public var description: String { "typescript: \(reason)" }
    }

    public static func looksLikeTypescript(_ data: [UInt8]) -> Bool {
        data.starts(with: Array("Script started on ".utf8))
    }

    public static func read(_ data: [UInt8], timing: String? = nil) throws -> RecordedSession {
        var body = data[...]
        var header = RecordingHeader(width: 80, height: 24, term: nil)
        if looksLikeTypescript(data), let nl = data.firstIndex(of: 0x0A) {
            let line = String(decoding: data[..<nl], as: UTF8.self)
            header = parseHeader(line)
            body = data[(nl + 1)...]
        }
        if let done = body.lastRange(of: Array("\nScript done on ".utf8)) {
            body = body[..<(done.lowerBound + 1)]
        } else if body.starts(with: Array("Script done on ".utf8)) {
            body = body[body.startIndex..<body.startIndex]
        }
        let bytes = Array(body)
        guard let timing else {
            return RecordedSession(header: header, events: bytes.isEmpty ? [] : [RecordingEvent(time: 0, kind: .output(bytes))])
        }
        return RecordedSession(header: header, events: try events(bytes, timing: timing))
    }

    static func parseHeader(_ line: String) -> RecordingHeader {
        var h = RecordingHeader(width: 80, height: 24, term: nil)
        func value(_ key: String) -> String? {
            guard let r = line.range(of: "\(key)=\"") else { return nil }
            return line[r.upperBound...].split(separator: "\"", maxSplits: 1).first.map(String.init)
        }
        h.width = value("COLUMNS").flatMap { Int($0) } ?? 80
        h.height = value("LINES").flatMap { Int($0) } ?? 24
        h.term = value("TERM")
        let started = line.dropFirst("Script started on ".count).prefix(while: { $0 != "[" })
            .trimmingCharacters(in: .whitespaces)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["yyyy-MM-dd HH:mm:ssZZZZZ", "yyyy-MM-dd HH:mm:ss", "EEE MMM d HH:mm:ss yyyy", "EEE dd MMM yyyy hh:mm:ss a zzz"] {
            formatter.dateFormat = format
            if let d = formatter.date(from: started) { h.timestamp = Int(d.timeIntervalSince1970); break }
        }
        h.title = "script " + started
        return h
    }

    static func events(_ bytes: [UInt8], timing: String) throws -> [RecordingEvent] {
        var out: [RecordingEvent] = []
        var t = 0.0
        var offset = 0
        for (n, raw) in timing.split(separator: "\n").enumerated() {
            let f = raw.split(separator: " ")
            guard !f.isEmpty else { continue }
            let advanced = Double(f[0]) == nil
            let code = advanced ? String(f[0]) : "O"
            let fields = advanced ? Array(f.dropFirst()) : Array(f)
            guard let delay = fields.first.flatMap({ Double($0) }) else {
                throw Failure(reason: "timing line \(n + 1) has no delay: \(raw)")
            }
            t += delay
            switch code {
            case "O", "I":
                guard fields.count >= 2, let count = Int(fields[1]), count >= 0 else {
                    throw Failure(reason: "timing line \(n + 1) has no byte count: \(raw)")
                }
                let end = min(bytes.count, offset + count)
                let chunk = Array(bytes[offset..<end])
                offset = end
                out.append(RecordingEvent(time: t, kind: code == "O" ? .output(chunk) : .input(chunk)))
            case "S":
                let rows = fields.first { $0.hasPrefix("ROWS=") }.flatMap { Int($0.dropFirst(5)) }
                let cols = fields.first { $0.hasPrefix("COLS=") }.flatMap { Int($0.dropFirst(5)) }
                if let rows, let cols { out.append(RecordingEvent(time: t, kind: .resize(cols: cols, rows: rows))) }
            default: continue  // H (header info) and unknown codes carry no terminal data
            }
        }
        if offset < bytes.count { out.append(RecordingEvent(time: t, kind: .output(Array(bytes[offset...])))) }
        return out
    }
}
