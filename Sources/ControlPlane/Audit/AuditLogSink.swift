import AuditLog
import Foundation

/// The tamper-evident audit log behind gangwayd's `AuditSink`: each event becomes a hash-chained CloudTrail-shaped
/// record in `DATA_DIR/audit/segment-*.jsonl`, durable (fdatasync, group commit) before `record` returns.
/// Also answers CloudTrail `LookupEvents` for the API route.
///
/// ```swift
/// let audit = try AuditLogSink.open(dataDir: config.dataDir)
/// let server = try ControlPlaneServer(config: config, store: store, auditSink: audit,
///                                     recorder: FileSessionRecorder(dataDir: config.dataDir))
/// ```
public final class AuditLogSink: AuditSink {
    public static let lookupEventsTarget = CloudTrailTarget.lookupEvents

    public let store: AuditStore
    private let region: String

    public init(store: AuditStore, region: String = "us-east-1") {
        self.store = store
        self.region = region
    }

    /// Opens `DATA_DIR/audit/` with the signing key at `DATA_DIR/keys/audit-ed25519.key` (0600; kept outside
    /// `audit/` so a copy of the log never carries the private key). `audit/public-key.pem` is (re)written.
    public static func open(dataDir: URL, region: String = "us-east-1",
                            policy: AuditChain.Policy = AuditChain.Policy()) throws -> AuditLogSink {
        let store = try AuditStore(options: .init(directory: dataDir.appendingPathComponent("audit"),
                                                  keyFile: dataDir.appendingPathComponent("keys/audit-ed25519.key"),
                                                  policy: policy))
        return AuditLogSink(store: store, region: region)
    }

    public func record(_ event: AuditEventInput) async throws {
        try await store.append(Self.event(event, region: region))
        if !(event.eventSource == "gangway" && ArchiveShipper.Kind(rawValue: event.eventName) != nil) {
            sealHandler.mutate { $0.eventsSinceSeal += 1 }  // the shipper's own events do not call for a new seal
        }
        notifySealedBySize()
    }

    // MARK: sealed segments (Shipping/ArchiveShipper)

    /// Called with each segment file the log seals because it grew past its size limit (after the seal is durable).
    private let sealHandler = LockedBox<SealWatch>(SealWatch())
    struct SealWatch: Sendable {
        var handler: (@Sendable (URL) -> Void)?
        var notifiedBelow = 0
        var eventsSinceSeal = 0
    }

    /// Registers the handler for segments sealed by size (`sealSegment` returns its own).
    public func onSegmentSealed(_ handler: @escaping @Sendable (URL) -> Void) {
        let current = store.currentSegment
        // Records left in the current segment by an earlier run are worth a seal even before new events arrive.
        let size = (try? FileManager.default.attributesOfItem(atPath: segmentURL(current).path)[.size] as? Int) ?? 0
        sealHandler.mutate {
            $0.handler = handler
            $0.notifiedBelow = current
            if size > 0 { $0.eventsSinceSeal = max($0.eventsSinceSeal, 1) }
        }
    }

    /// Seals the current segment now (if it holds records) and returns its file once durable. With
    /// `onlyIfActivity`, only when events other than the shipper's own arrived since the last seal (a timer that
    /// seals must not keep shipping segments that hold nothing but the previous shipment's record).
    public func sealSegment(onlyIfActivity: Bool = false) async throws -> URL? {
        if onlyIfActivity, sealHandler.value.eventsSinceSeal == 0 { return nil }
        sealHandler.mutate { $0.eventsSinceSeal = 0 }
        guard let n = try await store.sealSegment() else { return nil }
        sealHandler.mutate { $0.notifiedBelow = max($0.notifiedBelow, n + 1) }
        return segmentURL(n)
    }

    /// Every sealed segment file (all but the one appends go to), oldest first.
    public func sealedSegments() throws -> [URL] {
        let current = store.currentSegment
        return try AuditSegments.list(store.options.directory).filter { $0 < current }.map(segmentURL)
    }

    func segmentURL(_ n: Int) -> URL { store.options.directory.appendingPathComponent(AuditSegments.name(n)) }

    private func notifySealedBySize() {
        let current = store.currentSegment
        let (handler, sealed): ((@Sendable (URL) -> Void)?, Range<Int>) = sealHandler.mutate { w in
            guard w.handler != nil, current > w.notifiedBelow else { return (nil, 0..<0) }
            defer { w.notifiedBelow = current }
            return (w.handler, w.notifiedBelow..<current)
        }
        guard let handler, !sealed.isEmpty else { return }
        let urls = sealed.map(segmentURL)
        let store = self.store
        Task {
            try? await store.checkpoint()  // a barrier: the seal enqueued before this append is on disk too
            for url in urls { handler(url) }
        }
    }

    /// CloudTrail LookupEvents: `(status, JSON body)`; errors come back in the AWS JSON 1.1 error shape.
    public func lookupEvents(request: Data) -> (status: Int, body: Data) {
        do {
            return (200, try store.lookupEvents(request: request))
        } catch let e as AuditLookupError {
            return (e.httpStatus, e.body)
        } catch {
            let body = AuditJSON.object([("__type", .string("InternalFailure")), ("message", .string("\(error)"))])
            return (500, Data(body.bytes))
        }
    }

    /// Seals the log with a final checkpoint (call at shutdown).
    public func close() async throws { try await store.close() }

    /// Writes a checkpoint if the interval passed (call from the maintenance timer).
    public func checkpointIfDue() async throws { try await store.checkpointIfDue() }

    static func event(_ e: AuditEventInput, region: String) -> AuditEvent {
        let type: String
        switch e.principal {
        case nil: type = "Unknown"
        case let p? where p.hasPrefix("mi-") || p.hasPrefix("i-"): type = "GangwayAgent"
        default: type = "IAMUser"
        }
        var resources: [AuditEvent.Resource] = []
        if let t = e.target { resources.append(.init(type: AuditEvent.instanceResourceType, name: t)) }
        if let s = e.sessionId { resources.append(.init(type: AuditEvent.sessionResourceType, name: s)) }
        let apiSources: Set<String> = ["ssm.amazonaws.com", "cloudtrail.amazonaws.com", "sts.amazonaws.com"]
        return AuditEvent(eventTime: e.eventTime, eventSource: e.eventSource, eventName: e.eventName, awsRegion: region,
                          sourceIPAddress: e.sourceIPAddress, userAgent: e.userAgent,
                          userIdentity: .init(type: type, principalId: e.principal, accessKeyId: e.accessKeyId,
                                              userName: e.principal),
                          requestParameters: json(e.requestParameters), responseElements: json(e.responseElements),
                          errorCode: e.errorCode, errorMessage: e.errorMessage,
                          eventType: apiSources.contains(e.eventSource) ? "AwsApiCall" : "AwsServiceEvent",
                          resources: resources)
    }

    /// Raw JSON bytes → a value re-serialised compactly (one line); non-JSON is kept as a string, never dropped.
    static func json(_ data: Data?) -> AuditJSON? {
        guard let data, !data.isEmpty else { return nil }
        return (try? AuditJSONParser.parse(data)) ?? .string(String(decoding: data, as: UTF8.self))
    }
}
