import Foundation

/// The Sessions view's state: active or history list, selection, and a pending terminate confirmation.
public struct SessionsModel: Sendable {
    public private(set) var rows: [SessionRow] = []
    public var showHistory = false
    public var cursor = ListCursor()
    public var filter = ""
    /// Set when the user asked to terminate; the UI shows a confirmation until `confirm`/`cancel`.
    public private(set) var pendingTerminate: SessionRow?
    /// Instance names by id, from the fleet, for the names only one instance has (`setFleet`).
    public private(set) var targetNames: [String: String] = [:]

    public init() {}

    /// Learns the fleet's instance names: the TARGET column then reads "db-1" rather than "mi-7b6e…", and the filter
    /// finds a session by its host's name. A name that several instances share (every host called "vm") is left out:
    /// there the id is the only thing that tells them apart.
    public mutating func setFleet(_ rows: [InstanceRow]) {
        var count: [String: Int] = [:]
        for r in rows where !r.name.isEmpty { count[r.name, default: 0] += 1 }
        targetNames = Dictionary(rows.filter { !$0.name.isEmpty && count[$0.name] == 1 }.map { ($0.id, $0.name) },
                                 uniquingKeysWith: { a, _ in a })
    }

    /// The TARGET cell: the instance's name when it is known and unique, else its id.
    public func targetLabel(_ id: String) -> String { targetNames[id] ?? id }

    public mutating func update(_ newRows: [SessionRow]) {
        let keep = selected?.id
        rows = newRows.sorted { ($0.started ?? .distantPast) > ($1.started ?? .distantPast) }
        if let keep, let i = visible.firstIndex(where: { $0.id == keep }) { cursor.selected = i }
        cursor.clamp(count: visible.count)
    }

    public var visible: [SessionRow] {
        rows.filter { filter.isEmpty || FuzzyMatch.matches(filter: filter, fields: [$0.id, $0.owner, $0.target, targetLabel($0.target), $0.reason]) }
    }

    public var selected: SessionRow? {
        let v = visible
        return v.indices.contains(cursor.selected) ? v[cursor.selected] : nil
    }

    /// Starts the dangerous terminate flow; returns false when nothing terminable is selected.
    public mutating func requestTerminate() -> Bool {
        guard let s = selected, s.status.isActive else { return false }
        pendingTerminate = s
        return true
    }

    /// The session to terminate, once the user confirmed.
    public mutating func confirmTerminate() -> SessionRow? {
        defer { pendingTerminate = nil }
        return pendingTerminate
    }

    public mutating func cancelTerminate() { pendingTerminate = nil }

    /// "1h02m" style duration from start to end (or now).
    public static func duration(_ row: SessionRow, now: Date) -> String {
        guard let start = row.started else { return "-" }
        let s = max(0, Int((row.ended ?? now).timeIntervalSince(start)))
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s / 60 % 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
