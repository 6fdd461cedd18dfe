import Foundation

/// DescribeInstanceInformation, GetConnectionStatus, UpdateInstanceInformation, DeregisterManagedInstance.
enum InstanceOperations {
    /// DeregisterManagedInstance: a decommissioned host (a replaced EKS node, a deleted VM) leaves the fleet. Its
    /// agent's keys are disabled and its row removed in one transaction, then its control channel is closed and its
    /// live sessions end. The agent, if it still runs, is refused from then on (it says to re-register with a new
    /// token); the instance's sessions and audit events stay in history.
    static func deregisterManagedInstance(_ s: ControlPlaneServices, _ req: JSONRequest,
                                          _ call: APICall) async throws(APIError) -> APIResult {
        let instanceId = try req.requiredString("InstanceId")
        guard instanceId.hasPrefix("mi-") else {
            throw APIError(400, "InvalidInstanceId", "Instance Id \(instanceId) is not a managed instance id (mi-…); only managed instances can be deregistered")
        }
        let agent: AgentRecord?
        do { agent = try await s.store.agent(id: instanceId) } catch { throw APIError.internalError("cannot read agents: \(error)") }
        try await s.authorize(call, action: "ssm:DeregisterManagedInstance", resource: instanceId, tags: agent?.labels ?? [:])
        let removed: Bool
        do { removed = try await s.store.deregisterAgent(id: instanceId) } catch {
            throw APIError.internalError("cannot deregister \(instanceId): \(error)")
        }
        guard removed else { throw APIError(400, "InvalidInstanceId", "Instance Id \(instanceId) is not registered") }
        let why = "managed instance \(instanceId) was deregistered by \(call.principal)"
        _ = await s.agents.disconnect(instanceId, reason: why)
        await s.sessions.endSessions(on: instanceId, status: .terminated) { id in "Session \(id) ended: \(why)." }
        return APIResult([:], target: instanceId)
    }

    static func describeInstanceInformation(_ s: ControlPlaneServices, _ req: JSONRequest,
                                            _ call: APICall) async throws(APIError) -> APIResult {
        try await s.authorize(call, action: "ssm:DescribeInstanceInformation", resource: "*")
        var filters: [InstanceFilter] = []
        for (k, v) in try req.filters("Filters", keyName: "Key", valuesName: "Values") ?? [] {
            filters.append(try InstanceFilter.make(key: k, values: v, legacy: false))
        }
        for (k, v) in try req.filters("InstanceInformationFilterList", keyName: "key", valuesName: "valueSet") ?? [] {
            filters.append(try InstanceFilter.make(key: k, values: v, legacy: true))
        }
        let maxResults = try req.int("MaxResults") ?? 50
        guard (5...50).contains(maxResults) else {
            throw APIError.validation("1 validation error detected: Value '\(maxResults)' at 'maxResults' failed to satisfy constraint: Member must have value between 5 and 50")
        }
        let offset = try PageToken.decode(req.string("NextToken"))
        let views = try await instanceViews(s, now: call.now).filter { v in filters.allSatisfy { $0.matches(v) } }
        let page = views.dropFirst(offset).prefix(maxResults)
        var body: [String: Any] = ["InstanceInformationList": page.map { $0.json() }]
        if offset + page.count < views.count { body["NextToken"] = PageToken.encode(offset: offset + page.count) }
        return APIResult(body)
    }

    static func instanceViews(_ s: ControlPlaneServices, now: Date) async throws(APIError) -> [InstanceView] {
        let agents: [AgentRecord]
        do { agents = try await s.store.agents() } catch { throw APIError.internalError("cannot read agents: \(error)") }
        let online = await s.agents.onlineSet(now: now)
        var out: [InstanceView] = []
        for a in agents {
            let last = await s.agents.lastHeartbeat(a.instanceId) ?? a.lastPingAt
            out.append(InstanceView(agent: a, online: online.contains(a.instanceId), lastPing: last))
        }
        return out
    }

    static func getConnectionStatus(_ s: ControlPlaneServices, _ req: JSONRequest,
                                    _ call: APICall) async throws(APIError) -> APIResult {
        let target = try req.requiredString("Target")
        try await s.authorize(call, action: "ssm:GetConnectionStatus", resource: target)
        let online = await s.agents.isOnline(target, now: call.now)
        return APIResult(["Target": target, "Status": online ? "connected" : "notconnected"], target: target)
    }

    static func updateInstanceInformation(_ s: ControlPlaneServices, _ req: JSONRequest,
                                          _ call: APICall) async throws(APIError) -> APIResult {
        let instanceId = try req.requiredString("InstanceId")
        guard instanceId == call.principal else {
            throw APIError.accessDenied("agent \(call.principal) may only update its own instance information, not \(instanceId)")
        }
        do {
            guard var agent = try await s.store.agent(id: instanceId) else {
                throw APIError(400, "InvalidInstanceId", "Instance \(instanceId) is not registered")
            }
            if let v = try req.string("ComputerName") { agent.computerName = v }
            if let v = try req.string("PlatformType") { agent.platformType = v }
            if let v = try req.string("PlatformName") { agent.platformName = v }
            if let v = try req.string("PlatformVersion") { agent.platformVersion = v }
            if let v = try req.string("IPAddress") { agent.ipAddress = v }
            if let v = try req.string("AgentVersion") { agent.agentVersion = v }
            if let labels = try req.dictionary("Labels") {
                agent.labels = labels.compactMapValues { $0 as? String }
            }
            agent.lastPingAt = call.now
            try await s.store.upsertAgent(agent)
        } catch let e as APIError {
            throw e
        } catch {
            throw APIError.internalError("cannot store instance information: \(error)")
        }
        await s.agents.heartbeat(instanceId, now: call.now)
        return APIResult([:], target: instanceId)
    }
}
