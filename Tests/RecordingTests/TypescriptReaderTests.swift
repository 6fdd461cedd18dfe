import Foundation
import Recording
import Testing

@Suite struct TypescriptReaderTests {
    let typescript = Array(("Script started on 2026-11-30 13:58:27+00:00 [TERM=\"xterm\" TTY=\"/dev/pts/1\" COLUMNS=\"132\" LINES=\"43\"]\n"
        + "$ echo hi\r\nhi\r\n$ exit\r\n"
        + "\nScript done on 2026-11-30 13:58:40+00:00 [COMMAND_EXIT_CODE=\"0\"]\n").utf8)

    @Test func headerAndBodyWithoutTiming() throws {
        let s = try TypescriptReader.read(typescript)
        #expect(s.header.width == 132)
        #expect(s.header.height == 43)
        #expect(s.header.term == "xterm")
        #expect(s.header.timestamp == 1_796_047_107)
        #expect(String(decoding: s.output, as: UTF8.self) == "$ echo hi\r\nhi\r\n$ exit\r\n\n")
    }

    @Test func classicTimingFileKeepsThePace() throws {
        let s = try TypescriptReader.read(typescript, timing: "0.5 11\n1.25 4\n0.25 9\n")
        #expect(s.events.map(\.time) == [0.5, 1.75, 2.0])
        #expect(s.events.first?.kind == .output(Array("$ echo hi\r\n".utf8)))
    }

    @Test func advancedTimingWithInputAndResize() throws {
        let s = try TypescriptReader.read(Array("abcdef".utf8),
                                          timing: "H 0 START_TIME 2026\nO 0.1 3\nS 0.2 SIGWINCH ROWS=50 COLS=200\nI 0.3 2\nO 0.4 1\n")
        #expect(s.events == [
            RecordingEvent(time: 0.1, kind: .output(Array("abc".utf8))),
            RecordingEvent(time: 0.30000000000000004, kind: .resize(cols: 200, rows: 50)),
            RecordingEvent(time: 0.6000000000000001, kind: .input(Array("de".utf8))),
            RecordingEvent(time: 1.0, kind: .output(Array("f".utf8))),
        ])
    }

    @Test func aBrokenTimingLineIsReported() {
        #expect(throws: TypescriptReader.Failure.self) { try TypescriptReader.read(typescript, timing: "x\n") }
    }
}
