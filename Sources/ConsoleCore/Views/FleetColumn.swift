import Foundation

/// Columns of the Fleet table, in display order; `s` cycles the sort through them.
public enum FleetColumn: String, Sendable, CaseIterable, Hashable {
    case name = "NAME", id = "ID", status = "STATUS", platform = "PLATFORM", agent = "AGENT"
    case ip = "IP", lastSeen = "LAST SEEN", cluster = "CLUSTER", nodegroup = "NODEGROUP"

    public var width: Int {
        switch self {
        case .name: return 20
        case .id: return 20   // mi- + 17 hex (managed instances); i- ids are 19
        case .status: return 14
        case .platform: return 12  // "Ubuntu 22.04", "Windows 2022" (PlatformLabel)
        case .agent: return 11
        case .ip: return 15
        case .lastSeen: return 10
        case .cluster: return 12
        case .nodegroup: return 12
        }
    }

    /// Orders two rows by this column (ties broken by name, then id, so the order is stable).
    public func ascending(_ a: InstanceRow, _ b: InstanceRow) -> Bool {
        func key(_ r: InstanceRow) -> String {
            switch self {
            case .name: return r.name
            case .id: return r.id
            case .status: return r.pingStatus.rawValue
            case .platform: return r.platform
            case .agent: return AgentVersion(r.agentVersion).sortKey
            case .ip: return r.ip.split(separator: ".").map { String(repeating: "0", count: max(0, 3 - $0.count)) + $0 }.joined(separator: ".")
            case .lastSeen: return r.lastSeen.map { String(format: "%020.3f", $0.timeIntervalSince1970) } ?? ""
            case .cluster: return r.cluster ?? ""
            case .nodegroup: return r.nodegroup ?? ""
            }
        }
        let ka = key(a), kb = key(b)
        if ka != kb { return ka < kb }
        if a.name != b.name { return a.name < b.name }
        return a.id < b.id
    }

    /// The cell text for a row; `now` formats LAST SEEN as an age.
    public func text(_ r: InstanceRow, now: Date) -> String {
        switch self {
        case .name: return r.name
        case .id: return r.id
        case .status: return r.pingStatus.rawValue
        case .platform: return PlatformLabel.short(r.platform)
        case .agent: return r.agentVersion
        case .ip: return r.ip
        case .lastSeen: return r.lastSeen.map { Age.format(now.timeIntervalSince($0)) } ?? "-"
        case .cluster: return r.cluster ?? ""
        case .nodegroup: return r.nodegroup ?? ""
        }
    }
}

/// Dotted version comparison ("3.2.1582.0" < "3.10.0").
public struct AgentVersion: Comparable, Sendable {
    public var parts: [Int]
    public init(_ s: String) { parts = s.split(separator: ".").map { Int($0) ?? 0 } }
    public static func < (a: AgentVersion, b: AgentVersion) -> Bool {
        for i in 0..<max(a.parts.count, b.parts.count) {
            let x = i < a.parts.count ? a.parts[i] : 0, y = i < b.parts.count ? b.parts[i] : 0
            if x != y { return x < y }
        }
        return false
    }
    var sortKey: String { parts.map { String(format: "%08d", $0) }.joined(separator: ".") }
}

/// Short human ages: 5s, 3m, 2h, 4d.
public enum Age {
    public static func format(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}
