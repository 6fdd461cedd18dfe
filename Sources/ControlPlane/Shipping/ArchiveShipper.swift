import AWSCore
import Crypto
import Foundation
import Logging

/// Ships sealed audit segments and finished session recordings to S3 (with Object Lock retention), in the
/// background: hooks only enqueue, one worker uploads in order, retrying every failure with exponential backoff
/// (`ShipBackoff`) until it succeeds — nothing is dropped. Shipped keys are remembered in
/// `DATA_DIR/shipping/shipped.txt`; at start every sealed segment and every recording not in it is queued again, and
/// one ListObjectsV2 skips files already in the bucket with the same MD5 (a crash between upload and marker).
/// Every upload is audited (`ShipAuditSegment`, `ShipSessionRecording`), and the first failure of each file too.
///
/// ```swift
/// let shipper = try ArchiveShipper(config: s3, dataDir: dir, auditSink: audit)
/// await shipper.start(audit: audit as? AuditLogSink, recordingsDirectory: dir.appendingPathComponent("recordings"))
/// shipper.recordingFinished(sessionId: id, file: url)   // from any context; returns at once
/// print(shipper.counters.metricsText)
/// ```
public actor ArchiveShipper {
    public enum Kind: String, Sendable {
        case auditSegment = "ShipAuditSegment"
        case recording = "ShipSessionRecording"
    }

    struct Item: Sendable {
        var kind: Kind
        var file: URL
        var key: String
        var sessionId: String?
        var failures = 0
    }

    public nonisolated let config: S3ShippingConfig
    /// Re-made with freshly resolved credentials after an expired/invalid-credentials answer.
    private var client: S3Client
    private let auditSink: any AuditSink
    private let logger: Logger
    private let markerFile: URL
    private let backoff: ShipBackoff
    private let now: @Sendable () -> Date
    private nonisolated let stats = LockedBox(ShippingCounters())

    private var queue: [Item] = []
    private var shipped: Set<String> = []
    /// key → ETag of what the bucket already holds under our prefix; nil until listed once.
    private var remote: [String: String]?
    private var wake: CheckedContinuation<Void, Never>?
    private var worker: Task<Void, Never>?
    private var sealTimer: Task<Void, Never>?
    private var audit: AuditLogSink?
    private var stopped = false

    public init(config: S3ShippingConfig, dataDir: URL, auditSink: any AuditSink, http: HTTPClient? = nil,
                logger: Logger = Logger(label: "gangwayd.shipping"), now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.config = config
        let settings = try config.clientSettings()
        let http = http ?? HTTPClient(configuration: .init(timeout: .seconds(120), connectTimeout: .seconds(5)))
        client = S3Client(settings: settings, http: http, addressing: config.addressing, clock: now)
        self.auditSink = auditSink
        self.logger = logger
        self.now = now
        backoff = ShipBackoff(initial: config.retryInitial, max: config.retryMax)
        let dir = dataDir.appendingPathComponent("shipping")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        markerFile = dir.appendingPathComponent("shipped.txt")
        if let text = try? String(contentsOf: markerFile, encoding: .utf8) {
            shipped = Set(text.split(separator: "\n").map(String.init))
        }
    }

    /// Counters for `/metrics` (readable from any context).
    public nonisolated var counters: ShippingCounters { stats.value }

    /// Queues everything sealed or finished but not yet shipped, registers for segments sealed by size, and starts
    /// the worker and the seal timer. Call before gangwayd accepts sessions (a recording found now is finished).
    public func start(audit: AuditLogSink?, recordingsDirectory: URL?) {
        guard worker == nil, !stopped else { return }
        self.audit = audit
        if let audit {
            audit.onSegmentSealed { [weak self] url in self?.auditSegmentSealed(url) }
            for url in (try? audit.sealedSegments()) ?? [] { submit(auditItem(url)) }
        }
        if let dir = recordingsDirectory,
           let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) {
            for name in names.sorted() where name.hasSuffix(".cast") && !name.hasPrefix(".") {
                let id = String(name.dropLast(5))
                submit(recordingItem(sessionId: id, file: dir.appendingPathComponent(name)))
            }
        }
        worker = Task { await self.run() }
        if let audit, config.sealInterval > 0 {
            let interval = config.sealInterval
            sealTimer = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                    guard !Task.isCancelled, let self else { return }
                    _ = try? await self.sealAndShipAuditSegment(audit, onlyIfActivity: true)
                }
            }
        }
        logger.info("shipping to S3", metadata: ["bucket": "\(config.bucket)", "prefix": "\(config.keyPrefix)",
                                                 "endpoint": "\(client.settings.endpointURL)", "queued": "\(queue.count)"])
    }

    /// Stops the worker and the timer. Files still queued are shipped after the next start.
    public func stop() {
        stopped = true
        sealTimer?.cancel()
        worker?.cancel()
        wake?.resume()
        wake = nil
    }

    /// Seals the current audit segment now (if it holds records) and queues it; returns the sealed file.
    /// `onlyIfActivity`: see `AuditLogSink.sealSegment`.
    @discardableResult
    public func sealAndShipAuditSegment(_ audit: AuditLogSink? = nil, onlyIfActivity: Bool = false) async throws -> URL? {
        guard let log = audit ?? self.audit else { return nil }
        guard let url = try await log.sealSegment(onlyIfActivity: onlyIfActivity) else { return nil }
        submit(auditItem(url))
        return url
    }

    /// A segment the audit log sealed (hook; returns at once).
    public nonisolated func auditSegmentSealed(_ file: URL) {
        Task { await self.submit(self.auditItem(file)) }
    }

    /// A recording whose session ended (hook; returns at once).
    public nonisolated func recordingFinished(sessionId: String, file: URL) {
        Task { await self.submit(self.recordingItem(sessionId: sessionId, file: file)) }
    }

    /// Keys queued or being retried (for status and tests).
    public var pendingKeys: [String] { queue.map(\.key) }

    // MARK: worker

    nonisolated func auditItem(_ file: URL) -> Item {
        Item(kind: .auditSegment, file: file, key: config.auditKey(segmentFile: file.lastPathComponent))
    }

    nonisolated func recordingItem(sessionId: String, file: URL) -> Item {
        Item(kind: .recording, file: file, key: config.recordingKey(sessionId: sessionId), sessionId: sessionId)
    }

    func submit(_ item: Item) {
        guard !stopped, !shipped.contains(item.key), !queue.contains(where: { $0.key == item.key }) else { return }
        queue.append(item)
        stats.mutate { $0.pending = queue.count }
        wake?.resume()
        wake = nil
    }

    private func run() async {
        while !Task.isCancelled && !stopped {
            guard let item = queue.first else {
                await withCheckedContinuation { wake = $0 }
                continue
            }
            do {
                try await ship(item)
                finish(item.key)
            } catch ShipFileMissing.missing(let reason) {
                finish(item.key, markShipped: false)
                stats.mutate { $0.missingFiles += 1; $0.lastError = reason }
                logger.error("cannot ship a file that is gone", metadata: ["file": "\(item.file.path)", "error": "\(reason)"])
                await auditShip(item, bytes: nil, result: nil, error: ("FileMissing", reason))
            } catch {
                if Task.isCancelled || stopped { return }
                let failures = item.failures + 1
                if let i = queue.firstIndex(where: { $0.key == item.key }) { queue[i].failures = failures }
                let delay = backoff.delay(afterFailures: failures)
                refreshCredentialsIfRejected(error)
                stats.mutate { $0.failures += 1; $0.lastError = "\(error)" }
                logger.warning("S3 upload failed; will retry", metadata: [
                    "key": "\(item.key)", "attempt": "\(failures)", "retryInSeconds": "\(delay)", "error": "\(error)"])
                if failures == 1 {
                    let code = (error as? S3Error)?.code ?? (error is HTTPClientError ? "S3Unreachable" : "ShipFailed")
                    await auditShip(item, bytes: nil, result: nil, error: (code, "\(error)"))
                }
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    /// Temporary credentials expire: after S3 rejects them, resolve the AWS chain again for the next attempt.
    private func refreshCredentialsIfRejected(_ error: any Error) {
        guard config.credentials == nil, let e = error as? S3Error,
              ["ExpiredToken", "InvalidAccessKeyId", "InvalidToken", "SignatureDoesNotMatch", "TokenRefreshRequired"].contains(e.code),
              let settings = try? config.clientSettings() else { return }
        client.settings = settings
    }

    private func finish(_ key: String, markShipped: Bool = true) {
        queue.removeAll { $0.key == key }
        stats.mutate { $0.pending = queue.count }
        guard markShipped else { return }
        shipped.insert(key)
        appendMarker(key)
    }

    private func ship(_ item: Item) async throws {
        guard let data = FileManager.default.contents(atPath: item.file.path) else {
            throw ShipFileMissing.missing("\(item.file.path) cannot be read (deleted or moved before it was shipped)")
        }
        let body = [UInt8](data)
        if remote == nil {
            let listed = try await client.listObjects(bucket: config.bucket, prefix: config.keyPrefix)
            remote = Dictionary(listed.map { ($0.key, $0.etag ?? "") }, uniquingKeysWith: { a, _ in a })
        }
        let md5 = Insecure.MD5.hash(data: body).map { String(format: "%02x", $0) }.joined()
        if let etag = remote?[item.key], etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == md5 {
            stats.mutate { $0.alreadyPresent += 1 }
            logger.info("already in S3", metadata: ["key": "\(item.key)"])
            return
        }
        let lock = config.objectLockMode.map {
            S3ObjectLock(mode: $0, retainUntil: now().addingTimeInterval(config.retentionDays * 86_400))
        }
        let contentType = item.kind == .auditSegment ? "application/x-ndjson" : "application/x-asciicast"
        let result = try await client.putObject(bucket: config.bucket, key: item.key, body: body, contentType: contentType,
                                                lock: lock)
        stats.mutate { $0.uploads += 1; $0.uploadedBytes += body.count }
        logger.info("shipped to S3", metadata: ["key": "\(item.key)", "bytes": "\(body.count)",
                                                "versionId": "\(result.versionId ?? "-")"])
        await auditShip(item, bytes: body, result: (result, lock), error: nil)
    }

    private func appendMarker(_ key: String) {
        let line = Data((key + "\n").utf8)
        if let h = try? FileHandle(forWritingTo: markerFile) {
            defer { try? h.close() }
            _ = try? h.seekToEnd()
            try? h.write(contentsOf: line)
        } else {
            try? line.write(to: markerFile)
        }
    }

    private func auditShip(_ item: Item, bytes: [UInt8]?, result: (S3PutObjectResult, S3ObjectLock?)?,
                           error: (code: String, message: String)?) async {
        var request: [String: Any] = ["bucket": config.bucket, "key": item.key, "file": item.file.lastPathComponent]
        if let bytes {
            request["bytes"] = bytes.count
            request["sha256"] = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        }
        if let lock = result?.1 {
            request["objectLockMode"] = lock.mode.rawValue
            request["objectLockRetainUntilDate"] = ISO8601DateFormatter().string(from: lock.retainUntil)
        }
        var response: Data?
        if let put = result?.0 {
            var r: [String: Any] = [:]
            if let v = put.versionId { r["versionId"] = v }
            if let e = put.etag { r["eTag"] = e }
            response = try? JSONSerialization.data(withJSONObject: r, options: [.sortedKeys])
        }
        let event = AuditEventInput(eventTime: now(), eventSource: "gangway", eventName: item.kind.rawValue,
                                    userAgent: "gangwayd-shipper",
                                    requestParameters: try? JSONSerialization.data(withJSONObject: request, options: [.sortedKeys]),
                                    responseElements: response, errorCode: error?.code, errorMessage: error?.message,
                                    sessionId: item.sessionId)
        do { try await auditSink.record(event) } catch {
            logger.error("could not audit an S3 shipment", metadata: ["key": "\(item.key)", "error": "\(error)"])
        }
    }
}

enum ShipFileMissing: Error {
    case missing(String)
}
