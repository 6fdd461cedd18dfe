import Foundation

/// The default audit sink: one JSON object per line appended to a file (`DATA_DIR/audit.jsonl`), fsynced before
/// `record` returns. Good enough to have every API call recorded from day one; the AuditLog module replaces it.
public actor JSONLinesAuditSink: AuditSink {
    private let url: URL
    private var handle: FileHandle?

    public init(url: URL) {
        self.url = url
    }

    public func record(_ event: AuditEventInput) async throws {
        let handle = try openHandle()
        var line = try JSONSerialization.data(withJSONObject: Self.object(event), options: [.sortedKeys])
        line.append(0x0A)
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }

    /// All events in the file, oldest first (for tests and `gangwayd admin audit`).
    public func readAll() throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return data.split(separator: 0x0A).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
        }
    }

    private func openHandle() throws -> FileHandle {
        if let handle { return handle }
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        handle = h
        return h
    }

    static func object(_ e: AuditEventInput) -> [String: Any] {
        var o: [String: Any] = [
            "eventTime": ISO8601DateFormatter().string(from: e.eventTime),
            "eventSource": e.eventSource,
            "eventName": e.eventName,
        ]
        if let v = e.principal { o["principal"] = v }
        if let v = e.accessKeyId { o["accessKeyId"] = v }
        if let v = e.sourceIPAddress { o["sourceIPAddress"] = v }
        if let v = e.userAgent { o["userAgent"] = v }
        if let v = e.requestParameters, let j = try? JSONSerialization.jsonObject(with: v) { o["requestParameters"] = j }
        if let v = e.responseElements, let j = try? JSONSerialization.jsonObject(with: v) { o["responseElements"] = j }
        if let v = e.errorCode { o["errorCode"] = v }
        if let v = e.errorMessage { o["errorMessage"] = v }
        if let v = e.sessionId { o["sessionId"] = v }
        if let v = e.target { o["target"] = v }
        return o
    }
}

/// Keeps events in memory (tests, `gangway demo`).
public actor MemoryAuditSink: AuditSink {
    public private(set) var events: [AuditEventInput] = []
    public init() {}
    public func record(_ event: AuditEventInput) async throws { events.append(event) }
}
