import Foundation

/// The Audit view's event details (`i` or Enter): the whole record behind a row — above all why a call failed
/// (`errorMessage`: which policy decision denied it), what was asked (`requestParameters`), with which key and
/// client, and where the record sits in the tamper-evident log — as the lines of a box at most `width` columns wide
/// (long values wrap under their label). I/O-free.
public enum AuditEventDetails {
    public static func lines(for row: AuditRow, width: Int, timeZone: TimeZone = .current) -> [String] {
        var out: [(String, String)] = []
        out.append(("Time", DetailLines.timestamp(row.time, timeZone)))
        let d = row.detail
        let source = d.map { $0.eventSource.isEmpty ? "" : "  (\($0.eventSource))" } ?? ""
        out.append(("Event", row.event + source))
        out.append(("Principal", (row.principal.isEmpty ? "-" : row.principal)
                        + (d.map { $0.identityType.isEmpty ? "" : "  (\($0.identityType))" } ?? "")))
        if let key = d?.accessKeyId, !key.isEmpty { out.append(("Access key", key)) }
        out.append(("Source IP", row.sourceIP.isEmpty ? "-" : row.sourceIP))
        if let agent = d?.userAgent, !agent.isEmpty { out.append(("User agent", agent)) }
        if let region = d?.region, !region.isEmpty { out.append(("Region", region)) }
        out.append(("Result", row.result.isEmpty ? "success" : row.result))
        if let message = d?.errorMessage, !message.isEmpty { out.append(("Message", message)) }
        let resources = d?.resources ?? []
        if resources.isEmpty, !row.target.isEmpty { out.append(("Resources", row.target)) }
        for (i, r) in resources.enumerated() { out.append((i == 0 ? "Resources" : "", r)) }
        for (i, p) in (d?.request ?? []).enumerated() { out.append((i == 0 ? "Request" : "", p)) }
        if let session = row.sessionId { out.append(("Session", session)) }
        out.append(("Event id", row.id))
        if let d, let seq = d.sequence {
            out.append(("Log record", "#\(seq)" + (d.hash.isEmpty ? "" : ", hash \(d.hash.prefix(16))…")))
        }

        let lines = DetailLines.format(out, width: width)
        let hint = row.sessionId == nil ? "j/k scroll · any other key closes" : "r replay the session · j/k scroll · any other key closes"
        return lines + ["", hint]
    }
}
