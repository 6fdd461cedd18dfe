import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `POST /` with `X-Amz-Target: AmazonSSM.<Op>`: read body → verify SigV4 → parse JSON → dispatch → audit.
/// Every call, allowed or denied, reaches the AuditSink before the caller gets its answer.
struct APIHandler: Sendable {
    let services: ControlPlaneServices
    let authenticator: RequestAuthenticator

    func handle(_ request: Request, context: GangwayRequestContext) async -> Response {
        let requestId = UUID().uuidString.lowercased()
        let now = services.clock.now()
        let target = request.headers[HTTPField.Name("X-Amz-Target")!] ?? ""
        let isLookup = target == CloudTrailTarget.lookupEvents
        let opName = target.hasPrefix("AmazonSSM.") ? String(target.dropFirst("AmazonSSM.".count))
            : (isLookup ? "LookupEvents" : target)
        var event = AuditEventInput(eventTime: now, eventSource: isLookup ? "cloudtrail.amazonaws.com" : "ssm.amazonaws.com",
                                    eventName: opName,
                                    sourceIPAddress: context.sourceIP,
                                    userAgent: request.headers[.userAgent].map { String($0.prefix(256)) })
        let result: Result<APIResult, APIError>
        var parsed: JSONRequest?
        var operation: APIOperation?
        var lookupAnswer: Data?
        lookup: do throws(APIError) {
            let body: [UInt8]
            do {
                body = Array(buffer: try await request.body.collect(upTo: context.maxUploadSize))
            } catch {
                throw APIError(413, "RequestEntityTooLargeException", "The request body is larger than \(context.maxUploadSize) bytes")
            }
            let identity = try await authenticator.authenticate(request, body: body, now: now)
            event.principal = identity.principal
            event.accessKeyId = identity.accessKeyId
            let call = APICall(principal: identity.principal, kind: identity.kind, accessKeyId: identity.accessKeyId,
                               sourceIP: context.sourceIP, userAgent: event.userAgent, region: identity.region,
                               host: request.head.authority ?? "127.0.0.1:\(services.config.port)", now: now)
            if isLookup {
                parsed = try? JSONRequest(body: body)
                lookupAnswer = try await lookupEvents(body: body, call: call)
                result = .success(APIResult([:]))
                break lookup
            }
            guard target.hasPrefix("AmazonSSM."), let op = APIOperations.all[opName] else {
                throw APIError.unknownOperation(target.isEmpty ? "(missing X-Amz-Target header)" : target)
            }
            operation = op
            let json = try JSONRequest(body: body)
            parsed = json
            guard op.agentOnly == (identity.kind == .agent) else {
                throw APIError.accessDenied(identity.kind == .agent
                    ? "agent \(identity.principal) is not allowed to call \(opName); agents may only call UpdateInstanceInformation"
                    : "\(opName) is called by agents with their own credentials, not by users")
            }
            result = .success(try await op.run(services, json, call))
        } catch {
            result = .failure(error)
        }
        event.requestParameters = parsed?.auditJSON()
        switch result {
        case .success where isLookup:
            break   // the events themselves are not copied into the log again
        case .success(let r):
            event.sessionId = r.sessionId
            event.target = r.target
            var redacted = r.body
            if redacted["TokenValue"] != nil { redacted["TokenValue"] = "***" }
            if opName != "DescribeInstanceInformation" && opName != "DescribeSessions" && opName != "GetSessionRecording" {
                event.responseElements = Data(JSONResponse.encode(redacted))
            }
        case .failure(let e):
            event.errorCode = e.code
            event.errorMessage = e.message
            if let p = parsed {
                event.target = p.object["Target"] as? String ?? p.object["InstanceId"] as? String
                event.sessionId = p.object["SessionId"] as? String
            }
        }
        do {
            try await services.auditSink.record(event)
        } catch {
            services.logger.error("audit sink failed; refusing to acknowledge the call", metadata: ["error": "\(error)"])
            if case .success(let r) = result, let undo = operation?.unaudited { await undo(services, r) }
            return Responses.error(.internalError("the call could not be recorded in the audit log; retry later"), requestId: requestId)
        }
        switch result {
        case .success where lookupAnswer != nil: return Responses.json(200, Array(lookupAnswer!), requestId: requestId)
        case .success(let r): return Responses.json(200, JSONResponse.encode(r.body), requestId: requestId)
        case .failure(let e):
            services.logger.debug("api error", metadata: ["op": "\(opName)", "code": "\(e.code)"])
            return Responses.error(e, requestId: requestId)
        }
    }

    /// CloudTrail LookupEvents over the audit log: users only, `cloudtrail:LookupEvents` on `*`.
    private func lookupEvents(body: [UInt8], call: APICall) async throws(APIError) -> Data {
        guard call.kind != .agent else {
            throw APIError.accessDenied("agent \(call.principal) is not allowed to call LookupEvents")
        }
        guard let lookup = services.auditSink as? any AuditLookup else {
            throw APIError.unknownOperation("\(CloudTrailTarget.lookupEvents) (this gangwayd keeps a plain audit log without lookups)")
        }
        try await services.authorize(call, action: "cloudtrail:LookupEvents", resource: "*")
        let answer = await lookup.lookupEvents(request: Data(body))
        guard answer.status == 200 else {
            let error = (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any]
            let code = ((error?["__type"] as? String) ?? "InternalFailure").split(separator: "#").last.map(String.init) ?? "InternalFailure"
            throw APIError(answer.status, code, (error?["message"] as? String) ?? "LookupEvents failed")
        }
        return answer.body
    }
}
