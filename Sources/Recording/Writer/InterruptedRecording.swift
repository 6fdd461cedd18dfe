import Foundation

/// A recording its writer never closed: gangwayd stopped (a crash, kill -9, a power loss) while the session was live.
/// At the next start gangwayd marks where such a recording ends, so whoever replays it reads why it stops there.
public enum InterruptedRecording {
    public struct Closed: Sendable, Equatable {
        /// When the file was last written before this (its modification time): the last moment the session is known
        /// to have been relayed.
        public var lastWritten: Date
        /// False when the file ends in a torn line, which is left as it is (see `close`).
        public var markerAdded: Bool
    }

    /// Appends `[t, "m", label]`, `t` being the last event's time (so times stay in order), and syncs the file.
    /// A file that does not end with a newline (a write torn by a power loss) is left untouched: readers skip a torn
    /// last line, but a line appended after it would turn it into a malformed line in the middle. Returns nil when
    /// there is no file at `url`.
    public static func close(_ url: URL, label: String) throws -> Closed? {
        let fd = open(url.path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw RecordingError("cannot open recording \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { Foundation.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw RecordingError("cannot read recording \(url.path): \(String(cString: strerror(errno)))")
        }
        let lastWritten = Date(timeIntervalSince1970: TimeInterval(st.st_mtim.tv_sec) + TimeInterval(st.st_mtim.tv_nsec) / 1e9)
        let size = Int(st.st_size)
        guard size > 0, byte(fd, at: size - 1) == 0x0A else { return Closed(lastWritten: lastWritten, markerAdded: false) }
        let start = lastLineStart(fd, size: size)
        var writer = AsciicastWriter(header: RecordingHeader(width: 1, height: 1))
        let line = writer.marker(label, at: start == 0 ? 0 : eventTime(fd, lineStart: start) ?? 0)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            if written > 0 { _ = ftruncate(fd, off_t(size)) }  // whole lines only
            throw RecordingError("cannot write recording \(url.path): \(String(cString: strerror(errno)))")
        }
        fsync(fd)
        return Closed(lastWritten: lastWritten, markerAdded: true)
    }

    private static func byte(_ fd: Int32, at offset: Int) -> UInt8? {
        var b: UInt8 = 0
        return pread(fd, &b, 1, off_t(offset)) == 1 ? b : nil
    }

    /// Where the last line (the one ending at `size - 1`) begins: reads backwards in 64 KiB steps (an output event's
    /// line can be megabytes long).
    private static func lastLineStart(_ fd: Int32, size: Int) -> Int {
        var end = size - 1  // the final newline
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while end > 0 {
            let from = max(0, end - chunk.count)
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, end - from, off_t(from)) }
            guard n == end - from else { return 0 }
            if let i = chunk[0..<n].lastIndex(of: 0x0A) { return from + i + 1 }
            end = from
        }
        return 0
    }

    /// The time of the event line starting at `lineStart` (`[12.000500, …`), nil if it does not start like one.
    private static func eventTime(_ fd: Int32, lineStart: Int) -> Double? {
        var head = [UInt8](repeating: 0, count: 40)
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 40, off_t(lineStart)) }
        guard n > 1, head[0] == UInt8(ascii: "["), let comma = head[1..<n].firstIndex(of: UInt8(ascii: ",")) else { return nil }
        guard let t = Double(String(decoding: head[1..<comma], as: UTF8.self).trimmingCharacters(in: .whitespaces)),
              t.isFinite, t >= 0 else { return nil }
        return t
    }
}
