import Foundation

/// DescribeInstanceInformation, GetConnectionStatus, UpdateInstanceInformation.
enum InstanceOperations {
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
