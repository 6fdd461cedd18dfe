import Foundation

/// The Sessions view's session details (`i` or Enter): the whole Reason and why the session ended (both cut to
/// their column in the table), the target's name beside its id, start, end, duration and idle time, as the lines of
/// a box at most `width` columns wide. I/O-free.
public enum SessionDetails {
    public static func lines(for row: SessionRow, targetName: String?, now: Date, width: Int,
                             timeZone: TimeZone = .current) -> [String] {
        var out: [(String, String)] = [("Session", row.id), ("Owner", row.owner.isEmpty ? "-" : row.owner)]
        out.append(("Target", row.target + (targetName.map { $0.isEmpty || $0 == row.target ? "" : "  (\($0))" } ?? "")))
        out.append(("Status", row.status.rawValue))
        out.append(("Started", row.started.map { DetailLines.timestamp($0, timeZone) } ?? "-"))
        if let ended = row.ended { out.append(("Ended", DetailLines.timestamp(ended, timeZone))) }
        out.append(("Duration", SessionsModel.duration(row, now: now)))
        if row.ended == nil, let last = row.lastActivity {
            out.append(("Idle", "\(Age.format(now.timeIntervalSince(last))) since the last input or output"))
        }
        out.append(("Reason", row.reason.isEmpty ? "-" : row.reason))
        if let details = row.details, !details.isEmpty { out.append(("Why it ended", details)) }

        let lines = DetailLines.format(out, width: width)
        let hint = row.status.isActive ? "x terminate · r replay · a audit events · j/k scroll · any other key closes"
                                       : "r replay · a audit events · j/k scroll · any other key closes"
        return lines + ["", hint]
    }
}
