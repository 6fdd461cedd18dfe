/// Encodes a session as asciicast v2 lines, no I/O: each call returns the bytes to append to the file.
///
/// Format (https://docs.asciinema.org/manual/asciicast/v2/): a header object line, then one
/// `[time, code, data]` array per line; codes `o` output, `i` input, `r` resize (`"COLSxROWS"`), `m` marker.
/// Input typed with echo off is written as one marker `[t, "m", "[redacted input]"]` per run of such input
/// (consecutive redacted chunks collapse into one marker, so not even the secret's length is recorded).
/// Players that do not know `m` ignore it; `asciinema play`/`cat` 2.x accept it.
public struct AsciicastWriter: Sendable {
    public static let redactionLabel = "[redacted input]"

    public let header: RecordingHeader
    private var output = UTF8Holdback()
    private var input = UTF8Holdback()
    private var lastTime: Double = 0
    private var inRedactedRun = false

    public init(header: RecordingHeader) { self.header = header }

    public func headerLine() -> [UInt8] {
        var out: [UInt8] = Array("{\"version\":2,\"width\":\(header.width),\"height\":\(header.height)".utf8)
        if let ts = header.timestamp { out += Array(",\"timestamp\":\(ts)".utf8) }
        out += Array(",\"env\":{".utf8)
        var first = true
        for (key, value) in [("TERM", header.term), ("SHELL", header.shell)] {
            guard let value else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            AsciicastJSON.string(key, to: &out)
            out.append(UInt8(ascii: ":"))
            AsciicastJSON.string(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        if let title = header.title {
            out += Array(",\"title\":".utf8)
            AsciicastJSON.string(title, to: &out)
        }
        out += [UInt8(ascii: "}"), 0x0A]
        return out
    }

    /// `[time, "code", data]` and a newline, built as bytes (every relayed frame is recorded as one such line).
    private mutating func line(_ time: Double, _ code: Unicode.Scalar, _ data: String) -> [UInt8] {
        var out: [UInt8] = []
        line(time, code, data, into: &out)
        return out
    }

    /// `line`, appended to `out` (a writer reuses one buffer: no allocation per event).
    private mutating func line(_ time: Double, _ code: Unicode.Scalar, _ data: String, into out: inout [UInt8]) {
        lastTime = max(lastTime, time)  // never go back in time, whatever the clock did
        out.reserveCapacity(out.count + data.utf8.count + 40)
        out.append(UInt8(ascii: "["))
        AsciicastJSON.time(lastTime, to: &out)
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: " "))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: code))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ","))
        out.append(UInt8(ascii: " "))
        AsciicastJSON.string(data, to: &out)
        out.append(UInt8(ascii: "]"))
        out.append(0x0A)
    }

    public mutating func output(_ bytes: [UInt8], at time: Double) -> [UInt8] {
        var out: [UInt8] = []
        output(bytes, at: time, into: &out)
        return out
    }

    /// `output`, appending the line (if any) to `out`.
    public mutating func output(_ bytes: [UInt8], at time: Double, into out: inout [UInt8]) {
        inRedactedRun = false
        let text = output.take(bytes)
        if !text.isEmpty { line(time, "o", text, into: &out) }
    }

    public mutating func input(_ bytes: [UInt8], at time: Double, redacted: Bool) -> [UInt8] {
        var out: [UInt8] = []
        input(bytes, at: time, redacted: redacted, into: &out)
        return out
    }

    /// `input`, appending the line (if any) to `out`.
    public mutating func input(_ bytes: [UInt8], at time: Double, redacted: Bool, into out: inout [UInt8]) {
        if redacted {
            _ = input.finish()  // drop any held partial code point: it belongs to the secret or is garbage
            if inRedactedRun { return }
            inRedactedRun = true
            line(time, "m", Self.redactionLabel, into: &out)
            return
        }
        inRedactedRun = false
        let text = input.take(bytes)
        if !text.isEmpty { line(time, "i", text, into: &out) }
    }

    public mutating func resize(cols: Int, rows: Int, at time: Double) -> [UInt8] {
        line(time, "r", "\(cols)x\(rows)")
    }

    public mutating func marker(_ label: String, at time: Double) -> [UInt8] {
        line(time, "m", label)
    }

    /// Flushes bytes held back at the end of the stream.
    public mutating func finish(at time: Double) -> [UInt8] {
        let o = output.finish(), i = input.finish()
        return (o.isEmpty ? [] : line(time, "o", o)) + (i.isEmpty || inRedactedRun ? [] : line(time, "i", i))
    }
}
