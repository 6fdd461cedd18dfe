import Foundation
import GangwayTesting
import Recording
import Testing

@Suite struct AsciicastTests {
    func encode(_ build: (inout AsciicastWriter) -> [UInt8]) -> [UInt8] {
        var w = AsciicastWriter(header: RecordingHeader(width: 100, height: 30, timestamp: 1_800_000_000, title: "t", shell: "/bin/bash"))
        return w.headerLine() + build(&w)
    }

    @Test func roundTripKeepsOutputInputResizeAndTimes() throws {
        let file = encode { w in
            w.output(Array("hello \u{1b}[1mworld\u{1b}[0m\r\n".utf8), at: 0.25)
                + w.input(Array("ls\r".utf8), at: 1.5, redacted: false)
                + w.resize(cols: 120, rows: 40, at: 2)
                + w.output(Array("\"quoted\" \\ tab\t".utf8), at: 3.000001)
        }
        let s = try AsciicastReader.read(file)
        #expect(s.header == RecordingHeader(width: 100, height: 30, timestamp: 1_800_000_000, title: "t",
                                            term: "xterm-256color", shell: "/bin/bash"))
        #expect(s.events == [
            RecordingEvent(time: 0.25, kind: .output(Array("hello \u{1b}[1mworld\u{1b}[0m\r\n".utf8))),
            RecordingEvent(time: 1.5, kind: .input(Array("ls\r".utf8))),
            RecordingEvent(time: 2, kind: .resize(cols: 120, rows: 40)),
            RecordingEvent(time: 3.000001, kind: .output(Array("\"quoted\" \\ tab\t".utf8))),
        ])
    }

    @Test("event lines are written byte for byte as asciicast v2 expects: microsecond times without exponent, never going back")
    func eventLineBytes() {
        var w = AsciicastWriter(header: RecordingHeader(width: 80, height: 24))
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        #expect(text(w.output(Array("a".utf8), at: 0)) == "[0.000000, \"o\", \"a\"]\n")
        #expect(text(w.input(Array("b".utf8), at: 12.0005, redacted: false)) == "[12.000500, \"i\", \"b\"]\n")
        #expect(text(w.resize(cols: 132, rows: 43, at: 1_234_567.25)) == "[1234567.250000, \"r\", \"132x43\"]\n")
        // An earlier clock reading keeps the last time.
        #expect(text(w.marker("m1", at: 5)) == "[1234567.250000, \"m\", \"m1\"]\n")
        var v = AsciicastWriter(header: RecordingHeader(width: 80, height: 24))
        #expect(text(v.output(Array("x".utf8), at: 9.9999996)) == "[10.000000, \"o\", \"x\"]\n")
        #expect(text(v.output(Array("y".utf8), at: 10.000001)) == "[10.000001, \"o\", \"y\"]\n")
    }

    @Test("random text with every character JSON must escape, at every offset within eight-byte words, reads back the same with our reader and with Foundation's")
    func escapingRoundTripsAtEveryOffset() throws {
        var rng = SeededGenerator(seed: 0x5eed_a5c1)
        let palette = ["a", "Z", "0", " ", "~", "\"", "\\", "\u{7F}", "\n", "\r", "\t", "\u{01}", "\u{1B}", "\u{1F}",
                       "é", "€", "😀", "/", "}", "]"]
        for round in 0..<400 {
            // Mostly plain runs (the eight-bytes-at-a-time path), with specials at random places.
            var text = ""
            for _ in 0..<Int.random(in: 0...90, using: &rng) {
                text += Int.random(in: 0..<4, using: &rng) == 0 ? palette.randomElement(using: &rng)!
                    : String(repeating: "x", count: Int.random(in: 1...11, using: &rng))
            }
            if text.isEmpty { continue }
            var w = AsciicastWriter(header: RecordingHeader(width: 80, height: 24, timestamp: 1_800_000_000))
            let line = w.output(Array(text.utf8), at: 1)
            let file = w.headerLine() + line + w.finish(at: 2)
            #expect(try AsciicastReader.read(file).output == Array(text.utf8), "round \(round): \(text.debugDescription)")
            let parsed = try JSONSerialization.jsonObject(with: Data(line)) as? [Any]
            #expect(parsed?[2] as? String == text, "round \(round): \(String(decoding: line, as: UTF8.self))")
        }
    }

    @Test func aCodePointSplitAcrossChunksIsHeldUntilComplete() throws {
        let bytes = Array("é€😀".utf8)  // 2 + 3 + 4 bytes
        let file = encode { w in
            var out: [UInt8] = []
            for (i, b) in bytes.enumerated() { out += w.output([b], at: Double(i)) }
            return out + w.finish(at: 10)
        }
        let s = try AsciicastReader.read(file)
        #expect(s.output == bytes)
        #expect(s.events.count == 3)  // one event per completed character, none with a broken half
    }

    @Test func invalidBytesBecomeReplacementCharactersNotInvalidJSON() throws {
        let file = encode { w in w.output([0x41, 0xFF, 0x42], at: 0) + w.output([0xE2, 0x82], at: 1) + w.finish(at: 2) }
        let s = try AsciicastReader.read(file)
        #expect(String(decoding: s.output, as: UTF8.self) == "A\u{FFFD}B\u{FFFD}")
    }

    @Test func redactedInputIsOneMarkerAndNeverTheBytes() throws {
        let secret = "hunter2-Sup3rS3cret"
        let file = encode { w in
            var out = w.output(Array("Password: ".utf8), at: 0)
            for (i, ch) in secret.utf8.enumerated() { out += w.input([ch], at: 1 + Double(i) / 10, redacted: true) }
            out += w.input([0x0D], at: 4, redacted: true)
            out += w.output(Array("\r\nok\r\n".utf8), at: 4.1)
            out += w.input(Array("exit\r".utf8), at: 5, redacted: false)
            return out
        }
        let text = String(decoding: file, as: UTF8.self)
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("S3cret"))
        let s = try AsciicastReader.read(file)
        #expect(s.events.filter { $0.kind == .redactedInput }.count == 1)
        #expect(s.events.contains { $0.kind == .input(Array("exit\r".utf8)) })
    }

    @Test func aTornLastLineFromACrashIsIgnored() throws {
        var file = encode { w in w.output(Array("one".utf8), at: 0) + w.output(Array("two".utf8), at: 1) }
        file.removeLast(6)
        let s = try AsciicastReader.read(file)
        #expect(s.output == Array("one".utf8))
    }

    @Test func timesNeverGoBackwards() throws {
        let file = encode { w in w.output(Array("a".utf8), at: 5) + w.output(Array("b".utf8), at: 4) }
        #expect(try AsciicastReader.read(file).events.map(\.time) == [5, 5])
    }
}
