import Foundation

/// What LookupEvents filters on, for one event record, and where its line is.
public struct AuditIndexEntry: Sendable {
    public var seq: UInt64
    public var eventTime: Date
    public var eventName: String
    public var eventSource: String
    /// A lowercase UUID (every id gangwayd makes) is kept as its 16 bytes: the index holds one entry per record.
    var storedID: StoredEventID
    public var eventID: String { storedID.text }
    public var username: String?
    public var accessKeyId: String?
    public var readOnly: Bool
    public var resources: [AuditEvent.Resource]
    public var segment = 0
    public var offset = 0
    /// Line length without the newline.
    public var length = 0

    init(seq: UInt64, eventTime: Date, eventName: String, eventSource: String, eventID: String, username: String?,
         accessKeyId: String?, readOnly: Bool, resources: [AuditEvent.Resource]) {
        self.seq = seq
        self.eventTime = eventTime
        self.eventName = eventName
        self.eventSource = eventSource
        storedID = StoredEventID(eventID)
        self.username = username
        self.accessKeyId = accessKeyId
        self.readOnly = readOnly
        self.resources = resources
    }

    public init(event: AuditEvent, seq: UInt64) {
        self.seq = seq
        eventTime = event.eventTime
        eventName = event.eventName
        eventSource = event.eventSource
        storedID = StoredEventID(event.eventID)
        username = event.userIdentity.userName ?? event.userIdentity.principalId
        accessKeyId = event.userIdentity.accessKeyId
        readOnly = event.readOnly
        resources = event.resources
    }
}

/// The in-memory index of event records, oldest first, built from the segment files on first use (by
/// `AuditIndex.scan`, outside the store's lock) and extended as batches become durable. Not thread-safe:
/// `AuditStore` guards it with its lock.
struct AuditIndex {
    private(set) var entries: [AuditIndexEntry] = []
    /// Entries added by appends before the scan was installed; merged in then.
    private var appended: [AuditIndexEntry] = []
    private(set) var loaded = false

    mutating func add(_ new: [AuditIndexEntry]) {
        // A batch written just before a scan may have been scanned already: keep seq strictly increasing.
        let last = loaded ? entries.last?.seq ?? 0 : appended.last?.seq ?? 0
        let fresh = new.filter { $0.seq > last }
        if loaded { entries += fresh } else { appended += fresh }
    }

    /// Takes a scan's entries; entries appended meanwhile are kept, not duplicated.
    mutating func install(_ scanned: [AuditIndexEntry]) {
        guard !loaded else { return }
        let firstAppended = appended.first?.seq ?? UInt64.max
        entries = scanned.filter { $0.seq < firstAppended } + appended
        appended = []
        loaded = true
    }

    /// The event records of segments up to `lastSegment`, that one read only to `lastSegmentBytes` (the durable
    /// part: a write in flight or one cut back after a failure is never indexed). Reads the files only; run it
    /// outside the store's lock. Equal strings share storage (names, users, instances repeat a lot).
    static func scan(_ directory: URL, lastSegment: Int, lastSegmentBytes: Int) throws -> [AuditIndexEntry] {
        var scanned: [AuditIndexEntry] = []
        var strings = Interner()
        for number in try AuditSegments.list(directory) where number <= lastSegment {
            var bytes = try AuditSegments.readAll(directory.appendingPathComponent(AuditSegments.name(number)))
            if number == lastSegment, bytes.count > lastSegmentBytes { bytes.removeSubrange(lastSegmentBytes...) }
            bytes.withUnsafeBufferPointer { buf in
                var start = 0
                while let nl = buf[start...].firstIndex(of: 0x0A) {
                    defer { start = nl + 1 }
                    let line = UnsafeBufferPointer(rebasing: buf[start..<nl])
                    guard var entry = Self.entry(line, strings: &strings) else { continue }
                    entry.segment = number
                    entry.offset = start
                    entry.length = nl - start
                    scanned.append(entry)
                }
            }
        }
        return scanned
    }

    private static let members: [[UInt8]] = ["seq", "recordType", "eventTime", "eventSource", "eventName", "eventID",
                                             "userIdentity", "readOnly", "resources"].map { Array($0.utf8) }
    private static let identityMembers: [[UInt8]] = ["userName", "principalId", "accessKeyId"].map { Array($0.utf8) }
    private static let resourceMembers: [[UInt8]] = ["type", "name"].map { Array($0.utf8) }

    /// The index entry of an event record line; nil for checkpoints, recoveries and lines that do not parse.
    static func entry(_ line: UnsafeBufferPointer<UInt8>, strings: inout Interner) -> AuditIndexEntry? {
        guard let found = AuditLineMembers(line, wanted: members) else { return nil }
        let v = found.values
        func text(_ k: Int) -> String? { AuditLineMembers.string(line, v[k]) }
        guard text(1) == AuditRecordLayout.RecordType.event.rawValue,
              let seqRange = v[0], let seq = UInt64(String(decoding: UnsafeBufferPointer(rebasing: line[seqRange]), as: UTF8.self)),
              let name = text(4), let source = text(3), let timeText = text(2), let time = AuditTime.parse(timeText)
        else { return nil }
        var username: String?
        var accessKeyId: String?
        if let r = v[6] {
            let object = UnsafeBufferPointer(rebasing: line[r])
            if let identity = AuditLineMembers(object, wanted: identityMembers) {
                username = AuditLineMembers.string(object, identity.values[0]) ?? AuditLineMembers.string(object, identity.values[1])
                accessKeyId = AuditLineMembers.string(object, identity.values[2])
            }
        }
        var readOnly = AuditEvent.isReadOnly(name)
        if let r = v[7] {
            let literal = UnsafeBufferPointer(rebasing: line[r])
            if literal.elementsEqual("true".utf8) { readOnly = true } else if literal.elementsEqual("false".utf8) { readOnly = false }
        }
        var resources: [AuditEvent.Resource] = []
        if let r = v[8] {
            let array = UnsafeBufferPointer(rebasing: line[r])
            for element in AuditLineMembers.elements(array) ?? [] {
                let object = UnsafeBufferPointer(rebasing: array[element])
                guard let m = AuditLineMembers(object, wanted: resourceMembers),
                      let t = AuditLineMembers.string(object, m.values[0]),
                      let n = AuditLineMembers.string(object, m.values[1]) else { continue }
                resources.append(AuditEvent.Resource(type: strings.intern(t), name: strings.intern(n)))
            }
        }
        return AuditIndexEntry(seq: seq, eventTime: time, eventName: strings.intern(name),
                               eventSource: strings.intern(source), eventID: text(5) ?? "",
                               username: username.map { strings.intern($0) },
                               accessKeyId: accessKeyId.map { strings.intern($0) },
                               readOnly: readOnly, resources: resources)
    }
}

/// An event id as the index keeps it.
enum StoredEventID: Sendable, Equatable {
    case uuid(UUID)
    case other(String)

    init(_ text: String) {
        if text.utf8.count == 36, !text.utf8.contains(where: { (0x41...0x5A).contains($0) }), let u = UUID(uuidString: text) {
            self = .uuid(u)
        } else {
            self = .other(text)
        }
    }

    var text: String {
        switch self {
        case .uuid(let u): return u.uuidString.lowercased()
        case .other(let s): return s
        }
    }
}

/// One stored copy of each distinct string seen.
struct Interner {
    private var table: Set<String> = []

    mutating func intern(_ s: String) -> String { table.insert(s).memberAfterInsert }
}
