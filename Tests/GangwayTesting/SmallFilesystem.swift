import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real, small filesystem (a tmpfs of a few hundred KiB, mounted with mount(2)) that a test can fill to the last
/// byte and free again: the full disk gangwayd meets in production, not a simulated write error. Needs root (CI and
/// this machine run tests as root); `isAvailable` tells `@Test(.enabled(if:))` when it cannot be mounted.
///
/// ```swift
/// let fs = try SmallFilesystem(kibibytes: 512)
/// defer { fs.unmount() }
/// fs.fill()      // every block taken: writes fail with ENOSPC
/// fs.free()
/// ```
public final class SmallFilesystem: @unchecked Sendable {
    // @unchecked: immutable after init; `fill`/`free`/`unmount` are called from the one test that owns it.
    public let url: URL
    private var filler: URL { url.appendingPathComponent(".filler") }

    /// True when a tmpfs can be mounted here (root, mount allowed).
    public static let isAvailable: Bool = {
        guard geteuid() == 0 else { return false }
        guard let probe = try? SmallFilesystem(kibibytes: 64) else { return false }
        probe.unmount()
        return true
    }()

    public struct MountError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(kibibytes: Int) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-smallfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        guard mount("tmpfs", url.path, "tmpfs", 0, "size=\(kibibytes)k,mode=0700") == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: url)
            throw MountError(description: "cannot mount a tmpfs on \(url.path): \(reason)")
        }
    }

    /// Takes every free page (a file written until ENOSPC). Returns the bytes it took. The unused end of another
    /// file's last page still takes appends until that page is full.
    @discardableResult
    public func fill() -> Int {
        let fd = open(filler.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var total = 0
        let block = [UInt8](repeating: 0x5A, count: 4096)
        while true {
            let n = block.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            total += n
        }
        return total
    }

    /// Gives the blocks `fill` took back.
    public func free() { unlink(filler.path) }

    public var freeBytes: Int {
        var st = statvfs()
        guard statvfs(url.path, &st) == 0 else { return -1 }
        return Int(st.f_bavail) * Int(st.f_bsize)
    }

    /// Unmounts (lazily, so an open descriptor left by a failed test cannot keep it) and removes the mount point.
    public func unmount() {
        _ = umount2(url.path, Int32(MNT_DETACH))
        try? FileManager.default.removeItem(at: url)
    }
}
