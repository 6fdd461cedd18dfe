/// The Audit view's state: newest-first events merged by id, a filter, and follow mode
/// (selection stays on the newest event as new ones arrive).
public struct AuditModel: Sendable {
    public private(set) var rows: [AuditRow] = []
    public var follow = true
    public var filter = ""
    public var cursor = ListCursor()
    public let capacity: Int

    public init(capacity: Int = 2_000) { self.capacity = capacity }

    /// Merges fetched events (any order, may overlap what we have); keeps the newest `capacity`.
    public mutating func merge(_ events: [AuditRow]) {
        var byId = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for e in events { byId[e.id] = e }
        let keep = selectedRow?.id
        rows = Array(byId.values.sorted { $0.time != $1.time ? $0.time > $1.time : $0.id > $1.id }.prefix(capacity))
        if follow {
            cursor.selected = 0
            cursor.offset = 0
        } else if let keep, let i = visible.firstIndex(where: { $0.id == keep }) {
            cursor.selected = i
        }
        cursor.clamp(count: visible.count)
    }

    public var visible: [AuditRow] {
        rows.filter {
            filter.isEmpty || FuzzyMatch.matches(filter: filter, fields: [$0.principal, $0.event, $0.target, $0.sourceIP,
                                                                          $0.result, $0.sessionId ?? ""])
        }
    }

    public var selectedRow: AuditRow? {
        let v = visible
        return v.indices.contains(cursor.selected) ? v[cursor.selected] : nil
    }
}
