import Foundation
import Recording
import Testing

/// A recording left open by a gangwayd that stopped mid-session gets an end marker at the next start.
@Suite struct InterruptedRecordingTests {
    @Test func aRecordingLeftOpenEndsWithAMarkerAtItsLastEventsTime() throws {
        let url = tempRecordingURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let w = try RecordingFileWriter(url: url, header: RecordingHeader(width: 80, height: 24), startedAt: start)
        try w.output(Array("one\r\n".utf8), at: start.addingTimeInterval(0.5))
        // A line longer than the 64 KiB the end is searched back in at a time.
        try w.output(Array(repeating: UInt8(ascii: "x"), count: 200_000), at: start.addingTimeInterval(3.25))
        // The writer is never closed: the process died.
        let closed = try #require(try InterruptedRecording.close(url, label: "gangwayd stopped"))
        #expect(closed.markerAdded)
        #expect(abs(closed.lastWritten.timeIntervalSinceNow) < 60)
        let s = try AsciicastReader.read(Array(try Data(contentsOf: url)))
        #expect(s.events.count == 3)
        #expect(s.events.last?.time == 3.25)
        #expect(s.events.last?.kind == .marker("gangwayd stopped"))
        #expect(s.output.count == 5 + 200_000, "the recorded output is unchanged")
    }

    @Test func aRecordingWithNoEventsGetsTheMarkerAtZero() throws {
        let url = tempRecordingURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        _ = try RecordingFileWriter(url: url, header: RecordingHeader(width: 80, height: 24), startedAt: Date())
        #expect(try InterruptedRecording.close(url, label: "ended")?.markerAdded == true)
        let s = try AsciicastReader.read(Array(try Data(contentsOf: url)))
        #expect(s.events.map(\.time) == [0])
    }

    @Test func aTornLastLineIsLeftAsItIsAndNoFileIsNil() throws {
        let url = tempRecordingURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let start = Date()
        let w = try RecordingFileWriter(url: url, header: RecordingHeader(width: 80, height: 24), startedAt: start)
        try w.output(Array("kept\r\n".utf8), at: start.addingTimeInterval(1))
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        try h.write(contentsOf: Data("[1.5, \"o\", \"tor".utf8))  // a power loss mid-line
        try h.close()
        let before = try Data(contentsOf: url)
        let closed = try #require(try InterruptedRecording.close(url, label: "ended"))
        #expect(!closed.markerAdded)
        #expect(try Data(contentsOf: url) == before)
        #expect(try AsciicastReader.read(Array(before)).output == Array("kept\r\n".utf8))
        #expect(try InterruptedRecording.close(url.deletingLastPathComponent().appendingPathComponent("none.cast"),
                                               label: "ended") == nil)
    }
}
