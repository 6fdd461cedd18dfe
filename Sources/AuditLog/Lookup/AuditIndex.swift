import Foundation

/// What LookupEvents filters on, for one event record, and where its line is.
public struct AuditIndexEntry: Sendable {
    public var seq: UInt64
    public var eventTime: Date
    public var eventName: String
    public var eventSource: String
    public var eventID: String
    public var username: String?
    public var accessKeyId: String?
    public var readOnly: Bool
    public var resources: [AuditEvent.Resource]
    public var segment = 0
    public var offset = 0
    /// Line length without the newline.
    public var length = 0

    public init(event: AuditEvent, seq: UInt64) {
        self.seq = seq
        eventTime = event.eventTime
        eventName = event.eventName
        eventSource = event.eventSource
        eventID = event.eventID
        username = event.userIdentity.userName ?? event.userIdentity.principalId
        accessKeyId = event.userIdentity.accessKeyId
        readOnly = event.readOnly
        resources = event.resources
    }
}

/// The in-memory index of event records, oldest first, built lazily from the segment files on first use and
/// extended as batches become durable. Not thread-safe: `AuditStore` guards it with its lock.
struct AuditIndex {
    let directory: URL
    private(set) var entries: [AuditIndexEntry] = []
    /// Entries added by appends before the files were scanned; merged in when the scan runs.
    private var appended: [AuditIndexEntry] = []
    private(set) var loaded = false

    init(directory: URL) { self.directory = directory }

    mutating func add(_ new: [AuditIndexEntry]) {
        // A batch written just before a scan may have been scanned already: keep seq strictly increasing.
        let last = loaded ? entries.last?.seq ?? 0 : appended.last?.seq ?? 0
        let fresh = new.filter { $0.seq > last }
        if loaded { entries += fresh } else { appended += fresh }
    }

    /// Scans every segment once (event records only); entries appended meanwhile are kept, not duplicated.
    mutating func loadIfNeeded() throws {
        guard !loaded else { return }
        var scanned: [AuditIndexEntry] = []
        let firstAppended = appended.first?.seq ?? UInt64.max
        for number in try AuditSegments.list(directory) {
            let bytes = try AuditSegments.readAll(directory.appendingPathComponent(AuditSegments.name(number)))
            var start = 0
            while let nl = bytes[start...].firstIndex(of: 0x0A) {
                defer { start = nl + 1 }
                let line = bytes[start..<nl]
                guard AuditLineScanner.recordType(line) == .event, let json = try? AuditJSONParser.parse(line),
                      let seq = json["seq"]?.intValue, UInt64(seq) < firstAppended,
                      let event = AuditEvent(json: json) else { continue }
                var entry = AuditIndexEntry(event: event, seq: UInt64(seq))
                entry.segment = number
                entry.offset = start
                entry.length = nl - start
                scanned.append(entry)
            }
        }
        entries = scanned + appended
        appended = []
        loaded = true
    }
}
