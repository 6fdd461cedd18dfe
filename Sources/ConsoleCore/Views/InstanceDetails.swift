import Foundation

/// The Fleet view's instance details (`i`): everything the console knows about one instance, the fields the table
/// cuts or leaves out (full platform, computer name, registration, every tag) and who has a session on it now, as
/// the lines of a box. I/O-free; `now` and the time zone are given.
public enum InstanceDetails {
    public static func lines(for row: InstanceRow, activeSessions: [SessionRow], now: Date, width: Int = 200,
                             timeZone: TimeZone = .current) -> [String] {
        var out: [(String, String)] = []
        out.append(("Name", row.name.isEmpty ? "-" : row.name))
        out.append(("Instance", row.id + (row.resourceType.isEmpty ? "" : "  (\(row.resourceType))")))
        var status = row.pingStatus.rawValue
        if let seen = row.lastSeen {
            status += ", last heard \(Age.format(now.timeIntervalSince(seen))) ago (\(DetailLines.timestamp(seen, timeZone)))"
        }
        out.append(("Status", status))
        out.append(("Computer", row.computerName.isEmpty ? "-" : row.computerName))
        out.append(("IP address", row.ip.isEmpty ? "-" : row.ip))
        let platform = [row.platformType, row.platform].filter { !$0.isEmpty }
        out.append(("Platform", platform.isEmpty ? "-" : platform.joined(separator: " · ")))
        out.append(("Agent", row.agentVersion.isEmpty ? "-" : row.agentVersion))
        out.append(("Registered", row.registered.map { DetailLines.timestamp($0, timeZone) } ?? "-"))
        if let cluster = row.cluster {
            out.append(("EKS", "cluster \(cluster)" + (row.nodegroup.map { ", nodegroup \($0)" } ?? "")))
        }
        let tags = row.tags.sorted { $0.key < $1.key }
        if tags.isEmpty { out.append(("Tags", "-")) }
        for (i, tag) in tags.enumerated() { out.append((i == 0 ? "Tags" : "", "\(tag.key)=\(tag.value)")) }
        let sessions = activeSessions.filter { $0.target == row.id }
            .sorted { ($0.started ?? .distantPast, $0.id) < ($1.started ?? .distantPast, $1.id) }
        if sessions.isEmpty { out.append(("Sessions", "none active")) }
        for (i, s) in sessions.enumerated() {
            let since = s.started.map { ", \(Age.format(now.timeIntervalSince($0)))" } ?? ""
            out.append((i == 0 ? "Sessions" : "", "\(s.owner.isEmpty ? "-" : s.owner)  \(s.id)  \(s.status.rawValue)\(since)"))
        }
        return DetailLines.format(out, width: width)
            + ["", "Enter connect · a audit events · D deregister · j/k scroll · any other key closes"]
    }
}
