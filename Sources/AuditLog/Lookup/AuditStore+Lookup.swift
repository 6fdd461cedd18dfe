import Foundation

extension AuditStore {
    /// CloudTrail `LookupEvents` (JSON 1.1 body in, JSON body out), newest first.
    /// Throws `AuditLookupError` (send its `body` with HTTP 400) or an I/O error (send InternalFailure, 500).
    /// The first call scans the segment files to build the index (without the lock appends take: the API goes on
    /// meanwhile); later calls use it.
    public func lookupEvents(request: Data) throws -> Data {
        let query = try AuditLookupQuery(request: request)
        try loadIndexIfNeeded()
        let matches = query.matcher()
        let (found, more): ([AuditIndexEntry], Bool) = lock.withLock {
            var found: [AuditIndexEntry] = []
            var i = index.entries.count - 1
            if let before = query.beforeSeq {
                // entries are in seq order: binary search for the first entry at or past `before`.
                var lo = 0, hi = index.entries.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if index.entries[mid].seq < before { lo = mid + 1 } else { hi = mid }
                }
                i = lo - 1
            }
            while i >= 0 {
                let e = index.entries[i]
                if matches(e) {
                    if found.count == query.maxResults { return (found, true) }
                    found.append(e)
                }
                i -= 1
            }
            return (found, false)
        }
        let lines = try readLines(found)
        var events: [AuditJSON] = []
        for (e, line) in zip(found, lines) {
            var resources: [AuditJSON] = []
            for r in e.resources {
                resources.append(.object([("ResourceType", .string(r.type)), ("ResourceName", .string(r.name))]))
            }
            events.append(.object([
                ("EventId", .string(e.eventID)),
                ("EventName", .string(e.eventName)),
                ("ReadOnly", .string(e.readOnly ? "true" : "false")),
                ("AccessKeyId", e.accessKeyId.map(AuditJSON.string) ?? .null),
                ("EventTime", .number(String(Int64(e.eventTime.timeIntervalSince1970)))),
                ("EventSource", .string(e.eventSource)),
                ("Username", e.username.map(AuditJSON.string) ?? .null),
                ("Resources", .array(resources)),
                ("CloudTrailEvent", .string(line)),
            ]))
        }
        var response: [(String, AuditJSON)] = [("Events", .array(events))]
        if more, let last = found.last { response.append(("NextToken", .string(query.encodeToken(beforeSeq: last.seq)))) }
        return Data(AuditJSON.object(response).bytes)
    }

    /// Builds the index from the files once: the scan reads up to the durable position taken when it starts, and
    /// appends that complete meanwhile are merged in (`AuditIndex.install`). Concurrent first lookups wait for one
    /// scan on `indexLoad`, never on `lock`.
    func loadIndexIfNeeded() throws {
        try indexLoad.withLock {
            let durable: Position? = lock.withLock { index.loaded ? nil : state.durable }
            guard let durable else { return }
            let scanned = try AuditIndex.scan(options.directory, lastSegment: durable.segment,
                                              lastSegmentBytes: durable.segmentBytes)
            lock.withLock { index.install(scanned) }
        }
    }

    /// Reads the lines of `entries` from their segment files (pread; files stay closed between calls).
    private func readLines(_ entries: [AuditIndexEntry]) throws -> [String] {
        var fds: [Int: Int32] = [:]
        defer { for fd in fds.values { Foundation.close(fd) } }
        return try entries.map { e in
            let fd: Int32
            if let open = fds[e.segment] { fd = open } else {
                let path = options.directory.appendingPathComponent(AuditSegments.name(e.segment)).path
                fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw AuditStoreError.io("cannot open \(path)") }
                fds[e.segment] = fd
            }
            var buf = [UInt8](repeating: 0, count: e.length)
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, e.length, off_t(e.offset)) }
            guard n == e.length else { throw AuditStoreError.io("short read in \(AuditSegments.name(e.segment))") }
            return String(decoding: buf, as: UTF8.self)
        }
    }
}
