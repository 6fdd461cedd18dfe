import Crypto
import Foundation

/// The append-only, hash-chained audit log of one gangwayd, in segment files under one directory.
///
/// `append` returns once the record is on disk (write + fdatasync). Concurrent appends share one fsync: records are
/// encoded into a pending batch under a lock while one I/O pass (on its own dispatch queue, never on the Swift
/// concurrency pool) writes the previous batch; when it finishes it takes the whole pending batch (group commit).
public final class AuditStore: @unchecked Sendable {
    // @unchecked Sendable: every mutable field in `state` is read and written only with `lock` held; the file
    // descriptors in `io` are touched only on `ioQueue` (a serial queue), and `index` only with `lock` held.

    public struct Options: Sendable {
        public var directory: URL
        /// Private key file (hex seed, 0600). Keep it outside `directory` so that copying the log does not copy it.
        public var keyFile: URL
        public var policy: AuditChain.Policy
        /// A segment is sealed with a checkpoint and a new one started past this size.
        public var maxSegmentBytes: Int
        /// After a write failed (nothing of it left on disk), how long appends are refused before one is tried
        /// again; a full disk costs one failed write per interval, not one per refused event.
        public var retryInterval: TimeInterval
        public var now: @Sendable () -> Date

        public init(directory: URL, keyFile: URL, policy: AuditChain.Policy = AuditChain.Policy(),
                    maxSegmentBytes: Int = 64 << 20, retryInterval: TimeInterval = 1,
                    now: @escaping @Sendable () -> Date = { Date() }) {
            self.directory = directory
            self.keyFile = keyFile
            self.policy = policy
            self.maxSegmentBytes = maxSegmentBytes
            self.retryInterval = retryInterval
            self.now = now
        }
    }

    /// What `open` had to repair, if anything.
    public struct Recovery: Sendable, Equatable {
        public var segment: String
        public var truncatedBytes: Int
        public var resumedAfterSeq: UInt64
    }

    struct Chunk {
        var segment: Int
        var bytes: [UInt8] = []
        var entries: [AuditIndexEntry] = []
    }

    /// Where appends stand: the chain's head, the segment appends go to and its size.
    struct Position {
        var chain: AuditChain
        var segment: Int
        var segmentBytes: Int
    }

    /// Why the log refuses events.
    struct Failure {
        var message: String
        /// Nothing of the failed pass is left on disk: the log may resume from `State.durable`.
        var recoverable: Bool
        var at: Date
        /// Records encoded for the failed pass (and since), refused and never written.
        var refused: Int
    }

    struct State {
        var chain: AuditChain
        var segment: Int
        var segmentBytes: Int
        /// The position after the last pass that reached the disk: a failed pass is rolled back to it.
        var durable: Position
        var pending: [Chunk] = []
        var waiters: [Waiter] = []
        var flushing = false
        var failure: Failure?
        var closed = false
        /// Number of write+fdatasync passes so far (group commit: far fewer than appends under load).
        var syncs = 0
    }

    struct IO {
        var segment: Int = 0
        var fd: Int32 = -1
        var length: Int = 0
    }

    /// Called once the record(s) it waits for are durable (nil) or failed.
    typealias Waiter = (_ error: (any Error)?) -> Void

    public let options: Options
    public let publicKey: Curve25519.Signing.PublicKey
    public let recovery: Recovery?
    let lock = NSLock()
    /// Held while the lookup index is built from the files (`loadIndexIfNeeded`), not `lock`.
    let indexLoad = NSLock()
    var state: State
    var index: AuditIndex
    private var io = IO()
    private let ioQueue = DispatchQueue(label: "gangway.audit.io")

    /// Opens (or creates) the log: repairs a torn tail, writes `public-key.pem`, and is ready to append.
    public init(options: Options) throws {
        self.options = options
        let dir = options.directory
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: options.keyFile.path), !(try AuditSegments.list(dir)).isEmpty {
            // A new key would make every earlier checkpoint unverifiable with the exported public key.
            throw AuditStoreError.io("the audit log in \(dir.path) has records but its signing key "
                + "\(options.keyFile.path) is missing: restore the key from backup, or move the audit directory "
                + "aside (keep it with its public-key.pem) to start a new log")
        }
        let key = try AuditSigningKey.loadOrCreate(at: options.keyFile)
        publicKey = key.publicKey
        try Data(AuditSigningKey.pem(key.publicKey).utf8).write(to: dir.appendingPathComponent("public-key.pem"),
                                                               options: .atomic)
        let now = options.now()
        var segments = try AuditSegments.list(dir)
        if segments.isEmpty { segments = [1] }
        var chain = AuditChain(now: now, policy: options.policy, key: key)
        var recovery: Recovery?
        var segmentBytes = 0
        // Find the chain head: the last complete record of the last segment that has one.
        for number in segments.reversed() {
            let url = dir.appendingPathComponent(AuditSegments.name(number))
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let bytes = try AuditSegments.readAll(url)
            let tail = try AuditTail.read(bytes, segment: url.lastPathComponent)
            let complete = tail?.completeLength ?? 0
            if number == segments.last! {
                segmentBytes = complete
                if complete < bytes.count {
                    guard truncate(url.path, off_t(complete)) == 0 else {
                        throw AuditStoreError.io("cannot truncate the torn tail of \(url.path)")
                    }
                    recovery = Recovery(segment: url.lastPathComponent, truncatedBytes: bytes.count - complete,
                                        resumedAfterSeq: tail?.lastSeq ?? 0)
                }
            }
            if let tail {
                chain = AuditChain(nextSeq: tail.lastSeq + 1, headHash: tail.lastHash,
                                   recordsSinceCheckpoint: tail.recordsSinceCheckpoint, now: now,
                                   policy: options.policy, key: key)
                if recovery != nil { recovery!.resumedAfterSeq = tail.lastSeq }
                break
            }
        }
        self.recovery = recovery
        state = State(chain: chain, segment: segments.last!, segmentBytes: segmentBytes,
                      durable: Position(chain: chain, segment: segments.last!, segmentBytes: segmentBytes))
        index = AuditIndex()
        if let recovery {
            var line = state.chain.recovery(now: now, segment: recovery.segment, truncatedBytes: recovery.truncatedBytes,
                                            reason: "torn record after an unclean shutdown")
            line += state.chain.checkpoint(now: now)
            enqueue(line, entry: nil, now: now)
        }
    }

    deinit {
        if io.fd >= 0 { Foundation.close(io.fd) }
    }

    /// Appends `event`; returns its seq once it is durable. Throws if the log cannot write (the caller must then
    /// refuse the action: an action that cannot be audited is not performed).
    @discardableResult
    public func append(_ event: AuditEvent) async throws -> UInt64 {
        let body = AuditChain.encode(event)  // the chain-independent part, encoded outside the lock
        let entry = AuditIndexEntry(event: event, seq: 0)
        return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<UInt64, any Error>) in
            let start: Bool = lock.withLock {
                if state.closed { cont.resume(throwing: AuditStoreError.closed); return false }
                let now = options.now()
                if let refusal = admitLocked(now: now) { cont.resume(throwing: refusal); return false }
                let seq = state.chain.nextSeq
                let line = state.chain.append(encodedEvent: body, now: now)
                var entry = entry
                entry.seq = seq
                return enqueueLocked(line, entry: entry, now: now) { error in
                    if let error { cont.resume(throwing: error) } else { cont.resume(returning: seq) }
                }
            }
            if start { ioQueue.async { self.flushLoop() } }
        }
    }

    /// Writes a checkpoint if one is due by time (call from a periodic timer; appends check on their own).
    public func checkpointIfDue() async throws {
        // Not while refusing events: the next event retries the disk (a timer retrying would log once a second).
        let due: Bool = lock.withLock { state.failure == nil && !state.closed && state.chain.checkpointDue(now: options.now()) }
        if due { try await checkpoint() }
    }

    /// Writes a signed checkpoint now (if any record follows the last one) and waits until it is durable.
    public func checkpoint() async throws {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Void, any Error>) in
            let start: Bool = lock.withLock {
                if state.closed { cont.resume(); return false }
                let now = options.now()
                if let refusal = admitLocked(now: now) { cont.resume(throwing: refusal); return false }
                let line = state.chain.recordsSinceCheckpoint > 0 ? state.chain.checkpoint(now: now) : []
                return enqueueLocked(line, entry: nil, now: now) { error in
                    if let error { cont.resume(throwing: error) } else { cont.resume() }
                }
            }
            if start { ioQueue.async { self.flushLoop() } }
        }
    }

    /// Seals the log with a final checkpoint; later appends throw `closed`.
    public func close() async throws {
        try await checkpoint()
        lock.withLock { state.closed = true }
    }

    /// seq the next record will get, and the current head hash (for status pages and tests).
    public var head: (nextSeq: UInt64, hash: String) {
        lock.withLock { (state.chain.nextSeq, state.chain.headHash) }
    }

    /// Number of the segment appends go to; every lower-numbered segment is sealed (never written again).
    public var currentSegment: Int { lock.withLock { state.segment } }

    /// Seals the current segment now (a final checkpoint, then the next segment file is created, so a restart
    /// continues there too) and returns its number once durable; nil when it holds no record yet (or the log is
    /// closed). For shipping sealed segments off the machine on a timer.
    @discardableResult
    public func sealSegment() async throws -> Int? {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Int?, any Error>) in
            let start: Bool = lock.withLock {
                if state.closed { cont.resume(returning: nil); return false }
                let now = options.now()
                if let refusal = admitLocked(now: now) { cont.resume(throwing: refusal); return false }
                if state.segmentBytes == 0 { cont.resume(returning: nil); return false }
                var none: AuditIndexEntry? = nil
                if state.chain.recordsSinceCheckpoint > 0 { appendToPending(state.chain.checkpoint(now: now), entry: &none) }
                let sealed = state.segment
                state.segment += 1
                state.segmentBytes = 0
                state.pending.append(Chunk(segment: state.segment))  // creates the new (empty) segment file
                return enqueueLocked([], entry: nil, now: now) { error in
                    if let error { cont.resume(throwing: error) } else { cont.resume(returning: sealed) }
                }
            }
            if start { ioQueue.async { self.flushLoop() } }
        }
    }

    /// How many write+fdatasync passes ran (for benchmarks: appends ÷ syncs = events per fsync).
    public var syncCount: Int { lock.withLock { state.syncs } }

    private func enqueue(_ line: [UInt8], entry: AuditIndexEntry?, now: Date) {
        let start = lock.withLock { enqueueLocked(line, entry: entry, now: now, waiter: nil) }
        if start { ioQueue.async { self.flushLoop() } }
    }

    /// Adds encoded lines to the pending batch (rotating the segment first if it is full); true if the caller
    /// must start an I/O pass. Call with `lock` held.
    private func enqueueLocked(_ line: [UInt8], entry: AuditIndexEntry?, now: Date,
                               waiter: Waiter?) -> Bool {
        var line = line
        var entry = entry
        if state.segmentBytes >= options.maxSegmentBytes && !line.isEmpty {
            // Seal the full segment with a checkpoint and move on; `line` was encoded before the seal, so re-encode.
            // (Simpler: the seal goes after `line` in the same segment; the next record starts the new segment.)
            appendToPending(line, entry: &entry)
            line = state.chain.checkpoint(now: now)
            appendToPending(line, entry: &entry)
            state.segment += 1
            state.segmentBytes = 0
            state.pending.append(Chunk(segment: state.segment))  // create the next file now: a restart continues there
            line = []
        }
        if !line.isEmpty { appendToPending(line, entry: &entry) }
        if let waiter { state.waiters.append(waiter) }
        if state.flushing { return false }
        state.flushing = true
        return true
    }

    private func appendToPending(_ line: [UInt8], entry: inout AuditIndexEntry?) {
        if state.pending.last?.segment != state.segment { state.pending.append(Chunk(segment: state.segment)) }
        if var e = entry {
            e.segment = state.segment
            e.offset = state.segmentBytes
            e.length = line.firstIndex(of: 0x0A) ?? line.count
            state.pending[state.pending.count - 1].entries.append(e)
            entry = nil
        }
        state.pending[state.pending.count - 1].bytes += line
        state.segmentBytes += line.count
    }

    /// Nil when an event may be appended now, else the error to refuse it with. After a failed write that left
    /// nothing on disk, and once `retryInterval` has passed, the log resumes where the disk is (the last durable
    /// position) with a recovery record naming what was refused; the next pass then tries the disk again. Call with
    /// `lock` held.
    private func admitLocked(now: Date) -> AuditStoreError? {
        guard let failure = state.failure else { return nil }
        guard failure.recoverable else { return .failed(failure.message) }
        guard now.timeIntervalSince(failure.at) >= options.retryInterval || now < failure.at else {
            state.failure!.refused += 1
            return .unavailable(failure.message)
        }
        state.failure = nil
        state.chain = state.durable.chain
        state.segment = state.durable.segment
        state.segmentBytes = state.durable.segmentBytes
        var none: AuditIndexEntry? = nil
        let line = state.chain.recovery(now: now, segment: AuditSegments.name(state.segment), truncatedBytes: 0,
                                        reason: "resumed after a failed write (\(failure.message)); "
                                            + "\(failure.refused) record(s) refused meanwhile, none written")
        appendToPending(line, entry: &none)
        return nil
    }

    /// A pass that did not reach the disk. `recoverable`: nothing of it is left on disk and the files are usable.
    private struct PassFailure: Error {
        var message: String
        var recoverable: Bool
    }

    /// Runs on `ioQueue`: writes and syncs pending batches until none is left.
    private func flushLoop() {
        while true {
            let (chunks, waiters, position): ([Chunk], [Waiter], Position) = lock.withLock {
                defer { state.pending = []; state.waiters = [] }
                if state.pending.isEmpty && state.waiters.isEmpty { state.flushing = false }
                return (state.pending, state.waiters,
                        Position(chain: state.chain, segment: state.segment, segmentBytes: state.segmentBytes))
            }
            if chunks.isEmpty && waiters.isEmpty { return }
            // Each file this pass writes, with its length before: a failed pass is cut back to them.
            var starts: [(segment: Int, length: Int)] = []
            do {
                for chunk in chunks {
                    try open(chunk.segment)
                    if !starts.contains(where: { $0.segment == chunk.segment }) { starts.append((chunk.segment, io.length)) }
                    try write(chunk)
                }
                if io.fd >= 0, fdatasync(io.fd) != 0 {
                    throw PassFailure(message: "fdatasync: \(String(cString: strerror(errno)))", recoverable: false)
                }
                lock.withLock {
                    for chunk in chunks { index.add(chunk.entries) }
                    state.syncs += 1
                    state.durable = position
                }
                for w in waiters { w(nil) }
            } catch {
                var failure = error as? PassFailure ?? PassFailure(message: "\(error)", recoverable: false)
                if failure.recoverable, !rollBack(to: starts) { failure.recoverable = false }
                let refused = Self.records(in: chunks)
                let at = options.now()
                let stranded: [Waiter] = lock.withLock {
                    // Records encoded while this pass ran are refused with it: they chain onto records that
                    // never reached the disk.
                    let later = Self.records(in: state.pending)
                    state.failure = Failure(message: failure.message, recoverable: failure.recoverable, at: at,
                                            refused: refused + later)
                    defer { state.waiters = []; state.pending = [] }
                    return state.waiters
                }
                let refusal: AuditStoreError = failure.recoverable ? .unavailable(failure.message) : .failed(failure.message)
                for w in waiters + stranded { w(refusal) }
            }
        }
    }

    /// Records (lines) in `chunks`.
    private static func records(in chunks: [Chunk]) -> Int {
        chunks.reduce(0) { total, chunk in total + chunk.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    }

    /// Cuts every file a failed pass wrote back to its length before the pass; false if one could not be.
    private func rollBack(to starts: [(segment: Int, length: Int)]) -> Bool {
        var ok = true
        for start in starts {
            if start.segment == io.segment, io.fd >= 0 {
                if ftruncate(io.fd, off_t(start.length)) == 0 { io.length = start.length } else { ok = false }
            } else {
                let path = options.directory.appendingPathComponent(AuditSegments.name(start.segment)).path
                if truncate(path, off_t(start.length)) != 0 { ok = false }
            }
        }
        return ok
    }

    /// Makes `io` the open descriptor of `segment` (syncing and closing the one before).
    private func open(_ segment: Int) throws {
        guard io.segment != segment || io.fd < 0 else { return }
        if io.fd >= 0 {
            guard fdatasync(io.fd) == 0 else {
                throw PassFailure(message: "fdatasync: \(String(cString: strerror(errno)))", recoverable: false)
            }
            Foundation.close(io.fd)
            io.fd = -1
        }
        let url = options.directory.appendingPathComponent(AuditSegments.name(segment))
        let fd = Foundation.open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            // Nothing written: a later retry may succeed (a full directory, permissions fixed).
            throw PassFailure(message: "cannot open \(url.lastPathComponent): \(String(cString: strerror(errno)))",
                              recoverable: true)
        }
        io = IO(segment: segment, fd: fd, length: Int(lseek(fd, 0, SEEK_END)))
        let dirfd = Foundation.open(options.directory.path, O_RDONLY | O_DIRECTORY)
        if dirfd >= 0 { fsync(dirfd); Foundation.close(dirfd) }
    }

    /// Appends `chunk` to the open segment (`open(chunk.segment)` first). A failed write is cut back by the caller.
    private func write(_ chunk: Chunk) throws {
        var done = 0
        try chunk.bytes.withUnsafeBytes { buf in
            while done < buf.count {
                let n = Foundation.write(io.fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    let reason = String(cString: strerror(errno))
                    throw PassFailure(message: "write to \(AuditSegments.name(chunk.segment)): \(reason)",
                                      recoverable: true)
                }
                done += n
            }
        }
        io.length += chunk.bytes.count
    }
}

