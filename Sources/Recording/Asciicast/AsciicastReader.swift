import Foundation

/// Reads asciicast v2 (what `AsciicastWriter` and asciinema write). Tolerates a torn last line (a recording cut by a
/// crash) and ignores event codes it does not know; anything else malformed is an error naming the line.
public enum AsciicastReader {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var reason: String
        public var description: String { "asciicast line \(line): \(reason)" }
    }

    public static func read(_ data: [UInt8]) throws -> RecordedSession {
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard let first = lines.first, let header = try? JSONSerialization.jsonObject(with: Data(first)) as? [String: Any] else {
            throw Failure(line: 1, reason: "the first line is not an asciicast header object")
        }
        guard header["version"] as? Int == 2 else {
            throw Failure(line: 1, reason: "only asciicast version 2 is supported (found \(header["version"] ?? "none"))")
        }
        let env = header["env"] as? [String: Any]
        let h = RecordingHeader(width: header["width"] as? Int ?? 80, height: header["height"] as? Int ?? 24,
                                timestamp: header["timestamp"] as? Int, title: header["title"] as? String,
                                term: env?["TERM"] as? String, shell: env?["SHELL"] as? String)
        var events: [RecordingEvent] = []
        for (n, raw) in lines.enumerated().dropFirst() where !raw.isEmpty {
            let isLast = n == lines.count - 1 || (n == lines.count - 2 && lines.last!.isEmpty)
            guard let item = try? JSONSerialization.jsonObject(with: Data(raw)) as? [Any], item.count >= 3,
                  let time = (item[0] as? NSNumber)?.doubleValue, let code = item[1] as? String,
                  let text = item[2] as? String else {
                if isLast && raw.last != UInt8(ascii: "]") { break }  // torn last line after a crash
                throw Failure(line: n + 1, reason: "not a [time, code, data] event")
            }
            switch code {
            case "o": events.append(RecordingEvent(time: time, kind: .output(Array(text.utf8))))
            case "i": events.append(RecordingEvent(time: time, kind: .input(Array(text.utf8))))
            case "m":
                events.append(RecordingEvent(time: time, kind: text == AsciicastWriter.redactionLabel
                    ? .redactedInput : .marker(text)))
            case "r":
                let parts = text.split(separator: "x").compactMap { Int($0) }
                guard parts.count == 2 else { throw Failure(line: n + 1, reason: "resize data must be COLSxROWS") }
                events.append(RecordingEvent(time: time, kind: .resize(cols: parts[0], rows: parts[1])))
            default: continue
            }
        }
        return RecordedSession(header: h, events: events)
    }
}
