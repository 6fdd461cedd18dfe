import Foundation
import Recording
import Testing

@Suite struct RecordingFileWriterTests {
    @Test func everyEventIsOnDiskBeforeTheCallReturns() throws {
        let url = tempRecordingURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let w = try RecordingFileWriter(url: url, header: RecordingHeader(width: 80, height: 24, timestamp: 1_800_000_000),
                                        startedAt: start)
        try w.output(Array("first line\r\n".utf8), at: start.addingTimeInterval(0.5))
        try w.output(Array("second line\r\n".utf8), at: start.addingTimeInterval(1))
        // Read while the writer is still open, as after a kill -9: nothing is waiting in a buffer.
        let s = try AsciicastReader.read(Array(try Data(contentsOf: url)))
        #expect(String(decoding: s.output, as: UTF8.self) == "first line\r\nsecond line\r\n")
        #expect(s.events.map(\.time) == [0.5, 1])
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try w.close(at: start.addingTimeInterval(2))
        #expect(throws: RecordingError.self) { try w.output([0x41], at: start) }
    }

    @Test func anExistingRecordingIsNeverOverwritten() throws {
        let url = tempRecordingURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let w = try RecordingFileWriter(url: url, header: RecordingHeader(width: 80, height: 24), startedAt: Date())
        try w.close(at: Date())
        #expect(throws: RecordingError.self) {
            _ = try RecordingFileWriter(url: url, header: RecordingHeader(width: 80, height: 24), startedAt: Date())
        }
    }

    /// The recording plays in the real asciinema (pip package `asciinema`, a CI dependency).
    @Test func asciinemaCatPlaysARecordingUnmodified() throws {
        let url = tempRecordingURL()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let start = Date()
        let w = try RecordingFileWriter(url: url, header: RecordingHeader(width: 80, height: 24, timestamp: 1_800_000_000,
                                                                          title: "gangway test"), startedAt: start)
        try w.output(Array("Password: ".utf8), at: start.addingTimeInterval(0.1))
        try w.input(Array("secret".utf8), at: start.addingTimeInterval(0.2), redacted: true)
        try w.resize(cols: 100, rows: 30, at: start.addingTimeInterval(0.3))
        try w.output(Array("\r\nwelcome é€\r\n".utf8), at: start.addingTimeInterval(0.4))
        try w.input(Array("exit\r".utf8), at: start.addingTimeInterval(0.5), redacted: false)
        try w.close(at: start.addingTimeInterval(0.6))

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["asciinema", "cat", url.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let printed = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "asciinema cat failed (is `pip install asciinema` done?): \(errors)")
        #expect(String(decoding: printed, as: UTF8.self) == "Password: \r\nwelcome é€\r\n")
    }
}
