import Foundation

/// A FleetSource with a synthetic fleet and real local PTY shells (`/bin/sh`), for UI tests, benches and
/// `gangway console --fake-fleet`. Sessions and audit events reflect what the console did.
public actor FakeFleetSource: FleetSource {
    public nonisolated let contextName: String
    private let fleet: [InstanceRow]
    private var active: [String: SessionRow] = [:]
    private var history: [SessionRow] = []
    private var events: [AuditRow] = []
    private var shells: [String: LocalPTYShell] = [:]
    private var counter = 0
    private let shellArgv: [String]?

    /// `instances`: how many synthetic instances (the first ones are named like a small mixed fleet).
    public init(instances: Int = 12, contextName: String = "fake-fleet", shellArgv: [String]? = nil, now: Date = Date()) {
        self.contextName = contextName
        self.fleet = Self.synthesize(count: instances, now: now)
        self.shellArgv = shellArgv
    }

    /// A deterministic mixed fleet: web/db hosts plus EKS nodes in clusters `prod` and `staging`, one lost agent,
    /// two agent versions.
    public static func synthesize(count: Int, now: Date) -> [InstanceRow] {
        let kinds = ["web", "db", "cache", "batch", "api"]
        return (0..<count).map { i in
            let id = String(format: "i-%017x", 0x0abc0000 + i)
            let eks = i % 3 == 2
            let cluster = eks ? (i % 2 == 0 ? "prod" : "staging") : nil
            let nodegroup = eks ? (i % 4 < 2 ? "general" : "gpu") : nil
            let name = eks ? "node-\(cluster!)-\(i)" : "\(kinds[i % kinds.count])-\(i)"
            var tags = ["env": i % 2 == 0 ? "prod" : "dev", "Name": name]
            if let cluster { tags["eks:cluster-name"] = cluster; tags["eks:nodegroup-name"] = nodegroup! }
            return InstanceRow(id: id, name: name, pingStatus: i == 3 ? .connectionLost : .online,
                               platform: i % 7 == 6 ? "Windows" : "Linux",
                               agentVersion: i % 5 == 4 ? "3.2.1582.0" : "3.3.40.0",
                               ip: "10.0.\(i / 250).\(i % 250 + 1)",
                               lastSeen: now.addingTimeInterval(i == 3 ? -420 : -Double(i % 50)),
                               cluster: cluster, nodegroup: nodegroup, tags: tags)
        }
    }

    public func instances() async throws -> [InstanceRow] { fleet }

    public func sessions(history wantHistory: Bool) async throws -> [SessionRow] {
        wantHistory ? history : Array(active.values)
    }

    /// Pages newest first; a token is the number of newer events a page skips.
    public func auditEvents(_ request: AuditRequest) async throws -> AuditPage {
        let (skip, limit): (Int, Int)
        switch request {
        case .newest(let n): (skip, limit) = (0, n)
        case .older(let token, let n):
            guard let k = Int(token), k >= 0 else { throw FakeFleetError("invalid audit page token \(token)") }
            (skip, limit) = (k, n)
        }
        let newestFirst = events.reversed().dropFirst(skip)
        let rows = Array(newestFirst.prefix(max(0, limit)))
        return AuditPage(rows: rows, older: newestFirst.count > rows.count ? String(skip + rows.count) : nil)
    }

    /// Adds audit events as if they had happened (oldest first), for tests of paging.
    public func addAuditEvents(_ rows: [AuditRow]) { events += rows }

    public func terminate(sessionId: String) async throws {
        guard let shell = shells[sessionId] else {
            throw FakeFleetError("session \(sessionId) is not active (it may have ended already); refresh the Sessions view")
        }
        await shell.close()
    }

    public func openShell(target: String, cols: Int, rows: Int) async throws -> any ShellChannel {
        guard let inst = fleet.first(where: { $0.id == target || $0.name == target }) else {
            throw FakeFleetError("target \(target) is not in the fleet")
        }
        guard inst.pingStatus == .online else {
            record("StartSession", target: target, result: "TargetNotConnected")
            throw FakeFleetError("target \(inst.id) is not connected (agent last seen \(Age.format(Date().timeIntervalSince(inst.lastSeen ?? Date()))) ago)")
        }
        counter += 1
        let sid = "operator-\(String(format: "%012x", counter * 7919))"
        let shell = try LocalPTYShell(sessionId: sid, prompt: inst.name, cols: cols, rows: rows, argv: shellArgv) { [weak self] id in
            guard let self else { return }
            Task { await self.ended(id) }
        }
        shells[sid] = shell
        active[sid] = SessionRow(id: sid, owner: "operator", target: inst.id, status: .connected, started: Date(),
                                 reason: "console", lastActivity: Date())
        record("StartSession", target: inst.id, result: "success")
        return shell
    }

    private func ended(_ id: String) {
        shells[id] = nil
        if var row = active.removeValue(forKey: id) {
            row.status = .terminated
            row.ended = Date()
            history.append(row)
            record("TerminateSession", target: row.target, result: "success")
        }
    }

    private func record(_ event: String, target: String, result: String) {
        events.append(AuditRow(id: "ev-\(events.count + 1)", time: Date(), principal: "operator", event: event,
                               target: target, sourceIP: "127.0.0.1", result: result))
    }
}
