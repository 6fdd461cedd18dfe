import AWSCore
import ConsoleCore
import Foundation

/// The tables and JSON documents `gangway ls` and `gangway sessions` print.
public enum FleetTables {
    public static func instances(_ rows: [InstanceRow], now: Date) -> TextTable {
        TextTable(headers: ["NAME", "ID", "STATUS", "PLATFORM", "AGENT", "IP", "LAST SEEN", "CLUSTER", "NODEGROUP"],
                  rows: rows.map { r in
                      [r.name.isEmpty ? "-" : r.name, r.id, r.pingStatus.rawValue, r.platform.isEmpty ? "-" : r.platform,
                       r.agentVersion.isEmpty ? "-" : r.agentVersion, r.ip.isEmpty ? "-" : r.ip,
                       RelativeTime.ago(r.lastSeen, now: now), r.cluster ?? "-", r.nodegroup ?? "-"]
                  })
    }

    public static func sessions(_ rows: [SessionRow], now: Date, history: Bool) -> TextTable {
        var headers = ["ID", "OWNER", "TARGET", "STATUS", "STARTED", "DURATION"]
        if history { headers.append("ENDED") }
        headers.append("REASON")
        // Why an ended session ended (DescribeSessions Details): terminated by whom, the shell's exit, a timeout, …
        if history { headers.append("DETAILS") }
        return TextTable(headers: headers, rows: rows.map { r in
            var row = [r.id, r.owner.isEmpty ? "-" : r.owner, r.target, r.status.rawValue,
                       r.started.map(timestamp) ?? "-", duration(from: r.started, to: r.ended ?? now)]
            if history { row.append(r.ended.map(timestamp) ?? "-") }
            row.append(r.reason.isEmpty ? "-" : r.reason)
            if history { row.append(r.details.flatMap { $0.isEmpty ? nil : $0 } ?? "-") }
            return row
        })
    }

    /// `2026-11-30 14:05:09Z`
    public static func timestamp(_ d: Date) -> String {
        let c = Array(AmzDate(d).dateTime)  // YYYYMMDDTHHMMSSZ
        return "\(String(c[0..<4]))-\(String(c[4..<6]))-\(String(c[6..<8])) \(String(c[9..<11])):\(String(c[11..<13])):\(String(c[13..<15]))Z"
    }

    /// `3h05m`, `12m30s`, `45s`.
    public static func duration(from start: Date?, to end: Date) -> String {
        guard let start else { return "-" }
        let s = max(0, Int(end.timeIntervalSince(start)))
        if s >= 3600 { return "\(s / 3600)h\(pad2((s % 3600) / 60))m" }
        if s >= 60 { return "\(s / 60)m\(pad2(s % 60))s" }
        return "\(s)s"
    }

    static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Pretty JSON with ISO-8601 dates and sorted keys.
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return String(decoding: try e.encode(value), as: UTF8.self) + "\n"
    }
}
