import Foundation

/// One line of the Fleet table: an instance, or (when grouping EKS nodes) a cluster / nodegroup heading.
public enum FleetLine: Sendable, Hashable {
    case cluster(name: String, nodes: Int, online: Int)
    case nodegroup(cluster: String, name: String, nodes: Int, online: Int)
    case instance(InstanceRow, depth: Int)

    public var instance: InstanceRow? { if case .instance(let r, _) = self { return r }; return nil }
}

/// Header counts of the Fleet view.
public struct FleetSummary: Sendable, Hashable {
    public var total = 0
    public var online = 0
    public var lost = 0
    /// Most common... newest agent version seen, and how many instances run an older one.
    public var newestAgent = ""
    public var drifted = 0
    public var sessionsOpen = 0
    /// Set while the fleet cannot be fetched (the rows shown are from before then).
    public var unreachableSince: Date?
    /// The last fetch failed because the API throttled it (reachable, but rate-limited).
    public var throttled = false
}

/// The Fleet view's state: rows from the source, filter, sort, grouping, selection. No I/O.
public struct FleetModel: Sendable {
    public private(set) var rows: [InstanceRow] = []
    public private(set) var lines: [FleetLine] = []
    public var filter = FleetFilter("") { didSet { rebuild() } }
    public var sortColumn: FleetColumn = .name { didSet { rebuild() } }
    public var sortDescending = false { didSet { rebuild() } }
    public var groupEKS = false { didSet { rebuild() } }
    public var cursor = ListCursor()
    public var sessionsOpen = 0
    /// The last refresh's failure, and since when refreshes have failed; both cleared by the next good one.
    public private(set) var fetchError: String?
    public private(set) var unreachableSince: Date?

    public init() {}

    /// A refresh failed: the rows stay (marked stale in the header), the error is kept for the empty view.
    public mutating func fetchFailed(_ error: String, at now: Date) {
        fetchError = error
        if unreachableSince == nil { unreachableSince = now }
    }

    /// Replaces the rows (a refresh); keeps the selection on the same instance when it is still shown.
    public mutating func update(_ newRows: [InstanceRow]) {
        let keep = selectedInstance?.id
        fetchError = nil
        unreachableSince = nil
        rows = newRows
        rebuild()
        if let keep, let i = lines.firstIndex(where: { $0.instance?.id == keep }) { cursor.selected = i }
        cursor.clamp(count: lines.count)
    }

    public var selectedInstance: InstanceRow? {
        lines.indices.contains(cursor.selected) ? lines[cursor.selected].instance : nil
    }

    public mutating func cycleSort() {
        let all = FleetColumn.allCases
        sortColumn = all[(all.firstIndex(of: sortColumn)! + 1) % all.count]
    }

    public var summary: FleetSummary {
        var s = FleetSummary()
        s.total = rows.count
        s.online = rows.filter { $0.pingStatus == .online }.count
        s.lost = rows.filter { $0.pingStatus == .connectionLost }.count
        let versions = rows.map(\.agentVersion).filter { !$0.isEmpty }
        if let newest = versions.max(by: { AgentVersion($0) < AgentVersion($1) }) {
            s.newestAgent = newest
            s.drifted = versions.filter { AgentVersion($0) < AgentVersion(newest) }.count
        }
        s.sessionsOpen = sessionsOpen
        s.unreachableSince = unreachableSince
        s.throttled = unreachableSince != nil && fetchError.map(RefreshPacing.isThrottle) == true
        return s
    }

    private mutating func rebuild() {
        var shown = rows.filter(filter.matches)
        shown.sort { sortDescending ? sortColumn.ascending($1, $0) : sortColumn.ascending($0, $1) }
        guard groupEKS else {
            lines = shown.map { .instance($0, depth: 0) }
            cursor.clamp(count: lines.count)
            return
        }
        var out: [FleetLine] = []
        let eks = shown.filter { $0.cluster != nil }
        let clusters = Dictionary(grouping: eks, by: { $0.cluster! })
        for cluster in clusters.keys.sorted() {
            let nodes = clusters[cluster]!
            out.append(.cluster(name: cluster, nodes: nodes.count, online: nodes.filter { $0.pingStatus == .online }.count))
            let groups = Dictionary(grouping: nodes, by: { $0.nodegroup ?? "(no nodegroup)" })
            for g in groups.keys.sorted() {
                let members = groups[g]!
                out.append(.nodegroup(cluster: cluster, name: g, nodes: members.count,
                                      online: members.filter { $0.pingStatus == .online }.count))
                out += members.map { .instance($0, depth: 2) }
            }
        }
        out += shown.filter { $0.cluster == nil }.map { .instance($0, depth: 0) }
        lines = out
        cursor.clamp(count: lines.count)
    }
}
