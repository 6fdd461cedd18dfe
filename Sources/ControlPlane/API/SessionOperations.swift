import Foundation

/// StartSession, ResumeSession, TerminateSession, DescribeSessions.
enum SessionOperations {
    /// Documents gangwayd runs: shell sessions (Standard_Stream).
    static let shellDocuments: Set<String> = ["SSM-SessionManagerRunShell"]

    static func streamURL(_ s: ControlPlaneServices, _ call: APICall, _ sessionId: String) -> String {
        "\(s.streamBase(requestHost: call.host))/v1/data-channel/\(sessionId)?role=publish_subscribe"
    }

    static func startSession(_ s: ControlPlaneServices, _ req: JSONRequest,
                             _ call: APICall) async throws(APIError) -> APIResult {
        let target = try req.requiredString("Target")
        let document = try req.string("DocumentName") ?? "SSM-SessionManagerRunShell"
        let reason = try req.string("Reason")
        var parameters: [String: [String]] = [:]
        for (k, v) in try req.dictionary("Parameters") ?? [:] {
            guard let list = v as? [Any] else { throw APIError.serialization("'Parameters.\(k)' must be a list of strings") }
            parameters[k] = list.compactMap { $0 as? String }
        }
        if let reason, reason.count > 256 {
            throw APIError.validation("1 validation error detected: Value at 'reason' failed to satisfy constraint: Member must have length less than or equal to 256")
        }
        let agent: AgentRecord?
        do { agent = try await s.store.agent(id: target) } catch { throw APIError.internalError("cannot read agents: \(error)") }
        try await s.authorize(call, action: "ssm:StartSession", resource: target, tags: agent?.labels ?? [:])
        guard shellDocuments.contains(document) else {
            throw APIError(400, "InvalidDocument", "Document \(document) is not supported; gangwayd runs shell sessions (SSM-SessionManagerRunShell)")
        }
        guard let agent else {
            throw APIError(400, "TargetNotConnected", "\(target) is not connected: no managed instance with this id is registered (see DescribeInstanceInformation)")
        }
        // A revoked host gets no session, even in the second before the maintenance pass closes its channel.
        if let policy = s.authorizer as? PolicyAuthorizer, let revoked = await policy.revocation(of: target) {
            throw APIError(400, "TargetNotConnected", "\(target) is revoked (\(revoked.reason)); `gangwayd admin reinstate \(target)` lifts it")
        }
        guard await s.agents.isOnline(target, now: call.now) else {
            let seen = await s.agents.lastHeartbeat(target) ?? agent.lastPingAt
            let ago = seen.map { "agent last seen \(Self.ago(call.now.timeIntervalSince($0))) ago" } ?? "agent never connected"
            throw APIError(400, "TargetNotConnected", "\(target) is not connected (\(ago)); check that gangway-agent runs on \(agent.computerName.isEmpty ? "the host" : agent.computerName)")
        }
        let (record, token) = try await s.sessions.start(owner: call.principal, target: target, documentName: document,
                                                         reason: reason, parameters: parameters)
        return APIResult(["SessionId": record.sessionId, "TokenValue": token,
                          "StreamUrl": streamURL(s, call, record.sessionId)],
                         sessionId: record.sessionId, target: target)
    }

    /// A StartSession whose audit record could not be written: its caller got an error and no token, so the session
    /// (and the shell the agent may have started) is ended at once instead of waiting for the idle timeout unlogged.
    static func endUnauditedSession(_ s: ControlPlaneServices, _ result: APIResult) async {
        guard let sessionId = result.sessionId else { return }
        await s.sessions.end(sessionId, status: .failed,
                             reason: "Session \(sessionId) ended: its StartSession could not be recorded in the audit log.",
                             notifyAgent: true)
    }

    static func ago(_ seconds: TimeInterval) -> String {
        if seconds < 120 { return "\(Int(seconds)) s" }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        return "\(Int(seconds / 3600)) h"
    }

    static func existing(_ s: ControlPlaneServices, _ sessionId: String) async throws(APIError) -> SessionRecord {
        if let live = await s.sessions.liveRecord(sessionId) { return live }
        let stored: SessionRecord?
        do { stored = try await s.store.session(id: sessionId) } catch { throw APIError.internalError("cannot read sessions: \(error)") }
        guard let stored else { throw APIError.doesNotExist("Session \(sessionId) does not exist") }
        return stored
    }

    static func resumeSession(_ s: ControlPlaneServices, _ req: JSONRequest,
                              _ call: APICall) async throws(APIError) -> APIResult {
        let sessionId = try req.requiredString("SessionId")
        let record = try await existing(s, sessionId)
        try await s.authorize(call, action: "ssm:ResumeSession", resource: sessionId)
        var body: [String: Any] = ["SessionId": sessionId, "StreamUrl": streamURL(s, call, sessionId)]
        // An ended session gets no token: the plugin then reports "Session … timed out" and exits.
        if let token = await s.sessions.resumeToken(sessionId) { body["TokenValue"] = token }
        return APIResult(body, sessionId: sessionId, target: record.target)
    }

    static func terminateSession(_ s: ControlPlaneServices, _ req: JSONRequest,
                                 _ call: APICall) async throws(APIError) -> APIResult {
        let sessionId = try req.requiredString("SessionId")
        let record = try await existing(s, sessionId)
        try await s.authorize(call, action: "ssm:TerminateSession", resource: sessionId)
        await s.sessions.end(sessionId, status: .terminated, reason: "Session \(sessionId) was terminated by \(call.principal).",
                             notifyAgent: true)
        return APIResult(["SessionId": sessionId], sessionId: sessionId, target: record.target)
    }

    static let sessionFilterKeys: Set<String> = ["InvokedAfter", "InvokedBefore", "Target", "Owner", "Status", "SessionId", "AccessType"]

    static func describeSessions(_ s: ControlPlaneServices, _ req: JSONRequest,
                                 _ call: APICall) async throws(APIError) -> APIResult {
        let state = try req.requiredString("State")
        guard state == "Active" || state == "History" else {
            throw APIError.validation("1 validation error detected: Value '\(state)' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [Active, History]")
        }
        try await s.authorize(call, action: "ssm:DescribeSessions", resource: "*")
        let maxResults = try req.int("MaxResults") ?? 200
        guard (1...200).contains(maxResults) else {
            throw APIError.validation("1 validation error detected: Value '\(maxResults)' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 200")
        }
        let offset = try PageToken.decode(req.string("NextToken"))
        var filters: [(String, String)] = []
        for (k, v) in try req.filters("Filters", keyName: "key", valuesName: "value") ?? [] {
            guard sessionFilterKeys.contains(k) else {
                throw APIError(400, "InvalidFilterKey", "The filter key \(k) is not valid; use one of \(sessionFilterKeys.sorted().joined(separator: ", "))")
            }
            filters.append((k, v.first ?? ""))
        }
        let all: [SessionRecord]
        do { all = try await s.store.sessions(active: state == "Active") } catch {
            throw APIError.internalError("cannot read sessions: \(error)")
        }
        var matching: [SessionRecord] = []
        for r in all {
            var ok = true
            for (k, v) in filters where !(try matches(r, key: k, value: v)) { ok = false }
            if ok { matching.append(r) }
        }
        let page = matching.dropFirst(offset).prefix(maxResults)
        var body: [String: Any] = ["Sessions": page.map(json)]
        if offset + page.count < matching.count { body["NextToken"] = PageToken.encode(offset: offset + page.count) }
        return APIResult(body)
    }

    static func matches(_ r: SessionRecord, key: String, value: String) throws(APIError) -> Bool {
        func date(_ text: String) throws(APIError) -> Date {
            if let d = ISO8601DateFormatter().date(from: text) { return d }
            if let n = Double(text) { return Date(timeIntervalSince1970: n) }
            throw APIError(400, "InvalidFilterValue", "The \(key) filter needs a date like 2024-01-31T00:00:00Z, got \(value)")
        }
        switch key {
        case "InvokedAfter": return r.startDate >= (try date(value))
        case "InvokedBefore": return r.startDate <= (try date(value))
        case "Target": return r.target == value
        case "Owner": return r.owner == value
        case "Status": return r.status.rawValue == value
        case "SessionId": return r.sessionId == value
        case "AccessType": return value == "Standard"
        default: return false
        }
    }

    static func json(_ r: SessionRecord) -> [String: Any] {
        var o: [String: Any] = [
            "SessionId": r.sessionId, "Target": r.target, "Status": r.status.rawValue,
            "StartDate": JSONResponse.epoch(r.startDate), "DocumentName": r.documentName, "Owner": r.owner,
            "OutputUrl": ["S3OutputUrl": "", "CloudWatchOutputUrl": ""],
            "MaxSessionDuration": r.maxSessionDuration,
        ]
        if let e = r.endDate { o["EndDate"] = JSONResponse.epoch(e) }
        if let reason = r.reason { o["Reason"] = reason }
        if let d = r.details { o["Details"] = d }
        return o
    }
}
