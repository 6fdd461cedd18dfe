import Foundation

/// Streams one asciicast v2 recording to a file: the header at open, then each event as one `write(2)` as it
/// happens (no user-space buffering), so a kill -9 of the process loses nothing already passed to it.
/// Not thread-safe: give each session's writer to one owner (gangwayd holds a lock around it).
public final class RecordingFileWriter {
    public let url: URL
    private var encoder: AsciicastWriter
    private let startedAt: Date
    private var fd: Int32
    /// The line being written, kept with its capacity between events (no allocation per relayed frame).
    private var line: [UInt8] = []
    /// Bytes in the file: where a line that could be written only in part is cut off again.
    private var size = 0

    /// Creates `url` (mode 0600, must not exist: recordings are never overwritten) and writes the header.
    public init(url: URL, header: RecordingHeader, startedAt: Date) throws {
        self.url = url
        self.startedAt = startedAt
        encoder = AsciicastWriter(header: header)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw RecordingError("cannot create recording \(url.path): \(reason)", cause: reason)
        }
        do {
            try write(encoder.headerLine())
        } catch {
            // Not even the header fits (a full disk): no file is left for a session that never started.
            abandon()
            unlink(url.path)
            throw error
        }
    }

    deinit { if fd >= 0 { Foundation.close(fd) } }

    private func seconds(_ at: Date) -> Double { at.timeIntervalSince(startedAt) }

    public func output(_ bytes: [UInt8], at: Date) throws {
        line.removeAll(keepingCapacity: true)
        encoder.output(bytes, at: seconds(at), into: &line)
        try write(line)
    }

    public func input(_ bytes: [UInt8], at: Date, redacted: Bool) throws {
        line.removeAll(keepingCapacity: true)
        encoder.input(bytes, at: seconds(at), redacted: redacted, into: &line)
        try write(line)
    }

    public func resize(cols: Int, rows: Int, at: Date) throws { try write(encoder.resize(cols: cols, rows: rows, at: seconds(at))) }

    public func marker(_ label: String, at: Date) throws { try write(encoder.marker(label, at: seconds(at))) }

    /// Writes what is held back, syncs the file to disk and closes it (closed even when that last write fails).
    /// Later calls throw.
    public func close(at: Date) throws {
        guard fd >= 0 else { return }
        defer { abandon() }
        try write(encoder.finish(at: seconds(at)))
    }

    /// Syncs and closes the file as it is, without the held-back end (after a failed write: the file ends at the
    /// last whole event). Later calls throw.
    public func abandon() {
        guard fd >= 0 else { return }
        fsync(fd)
        Foundation.close(fd)
        fd = -1
    }

    /// One event's line, whole or not at all: when a write fails part-way (a full disk or a file size limit
    /// takes what fits, then refuses the rest), the part is cut off again, so the file always ends with a whole line
    /// and stays readable.
    private func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        guard fd >= 0 else { throw RecordingError("recording \(url.lastPathComponent) is closed") }
        var done = 0
        try bytes.withUnsafeBytes { buf in
            while done < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    let reason = n == 0 ? "nothing written" : String(cString: strerror(errno))
                    if done > 0 { _ = ftruncate(fd, off_t(size)) }
                    throw RecordingError("cannot write recording \(url.path): \(reason)", cause: reason)
                }
                done += n
            }
        }
        size += bytes.count
    }
}

public struct RecordingError: Error, CustomStringConvertible {
    public var description: String
    /// What went wrong without where (e.g. "No space left on device"): for people who should not see server paths.
    public var cause: String
    public init(_ description: String, cause: String? = nil) {
        self.description = description
        self.cause = cause ?? description
    }
}
