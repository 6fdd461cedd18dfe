import Foundation
import Hummingbird
import Logging

/// Agent-facing HTTP: registration (Gangway extension) and the MGS-style CreateControlChannel / CreateDataChannel.
struct AgentEndpoints: Sendable {
    let services: ControlPlaneServices
    let authenticator: RequestAuthenticator

    /// `POST /gangway/v1/agents/register`: exchange a registration token for an instance id and access key.
    func register(_ request: Request, context: GangwayRequestContext) async -> Response {
        let requestId = UUID().uuidString.lowercased()
        let now = services.clock.now()
        var event = AuditEventInput(eventTime: now, eventSource: "gangway", eventName: "RegisterAgent",
                                    sourceIPAddress: context.sourceIP, userAgent: request.headers[.userAgent])
        do throws(APIError) {
            let body: [UInt8]
            do { body = Array(buffer: try await request.body.collect(upTo: 64 * 1024)) } catch {
                throw APIError.serialization("registration body too large")
            }
            let req = try JSONRequest(body: body)
            let token = try req.requiredString("RegistrationToken")
            let consumed: Bool
            do { consumed = try await services.store.consumeRegistrationToken(hash: Identifiers.tokenHash(token), now: now) } catch {
                throw APIError.internalError("cannot read registration tokens: \(error)")
            }
            guard consumed else {
                throw APIError(403, "AccessDeniedException", "registration token is invalid, used or expired")
            }
            var labels: [String: String] = [:]
            for (k, v) in try req.dictionary("Labels") ?? [:] { if let s = v as? String { labels[k] = s } }
            let agent = AgentRecord(instanceId: Identifiers.instanceId(), computerName: try req.string("ComputerName") ?? "",
                                    platformType: try req.string("PlatformType") ?? "Linux",
                                    platformName: try req.string("PlatformName") ?? "",
                                    platformVersion: try req.string("PlatformVersion") ?? "",
                                    ipAddress: try req.string("IPAddress") ?? "",
                                    agentVersion: try req.string("AgentVersion") ?? "", labels: labels, registeredAt: now)
            let key: CreatedAccessKey
            do {
                try await services.store.upsertAgent(agent)
                key = try await services.store.createAccessKey(principal: agent.instanceId, kind: .agent, now: now)
            } catch {
                throw APIError.internalError("cannot store the new agent: \(error)")
            }
            event.principal = agent.instanceId
            event.target = agent.instanceId
            event.requestParameters = req.auditJSON()
            try? await services.auditSink.record(event)
            services.logger.info("agent registered", metadata: ["instance": "\(agent.instanceId)", "host": "\(agent.computerName)"])
            return Responses.json(200, JSONResponse.encode(["InstanceId": agent.instanceId, "AccessKeyId": key.accessKeyId,
                                                            "SecretAccessKey": key.secretAccessKey]), requestId: requestId)
        } catch {
            event.errorCode = error.code
            event.errorMessage = error.message
            try? await services.auditSink.record(event)
            return Responses.error(error, requestId: requestId)
        }
    }

    /// `POST /v1/control-channel/<instanceId>` → 201 XML with a control-channel token.
    func createControlChannel(_ request: Request, context: GangwayRequestContext) async -> Response {
        let instanceId = context.parameters.get("id") ?? ""
        do throws(APIError) {
            let identity = try await authenticateAgent(request, context: context)
            guard identity.principal == instanceId else {
                throw APIError.accessDenied("agent \(identity.principal) cannot open the control channel of \(instanceId)")
            }
            let token = await services.sessions.issueToken(.controlChannel(instanceId: instanceId), ttl: 300)
            return Responses.channelToken(root: "CreateControlChannelResponse", token: token)
        } catch {
            return Self.xmlError(error)
        }
    }

    /// `POST /v1/data-channel/<sessionId>` → 201 XML with the agent's data-channel token.
    func createDataChannel(_ request: Request, context: GangwayRequestContext) async -> Response {
        let sessionId = context.parameters.get("id") ?? ""
        do throws(APIError) {
            let identity = try await authenticateAgent(request, context: context)
            guard let record = await services.sessions.liveRecord(sessionId) else {
                throw APIError(400, "AccessDeniedException", "Session is already terminated: \(sessionId)")
            }
            guard record.target == identity.principal else {
                throw APIError.accessDenied("agent \(identity.principal) is not the target of session \(sessionId)")
            }
            let token = await services.sessions.issueToken(.agentDataChannel(sessionId: sessionId, instanceId: identity.principal),
                                                           ttl: 300)
            return Responses.channelToken(root: "CreateDataChannelResponse", token: token)
        } catch {
            return Self.xmlError(error)
        }
    }

    private func authenticateAgent(_ request: Request, context: GangwayRequestContext) async throws(APIError) -> RequestAuthenticator.Identity {
        let body: [UInt8]
        do { body = Array(buffer: try await request.body.collect(upTo: 64 * 1024)) } catch {
            throw APIError.serialization("request body too large")
        }
        let identity = try await authenticator.authenticate(request, body: body, now: services.clock.now())
        guard identity.kind == .agent else {
            throw APIError.accessDenied("only agents open control and data channels; \(identity.principal) is a user")
        }
        return identity
    }

    /// MGS-style XML error; the agent treats a body containing `<AccessDeniedException>` as "access denied".
    static func xmlError(_ e: APIError) -> Response {
        let code = e.code == "AccessDeniedException" || e.code.hasSuffix("ClientException") || e.code.hasSuffix("SignatureException")
            ? "AccessDeniedException" : e.code
        let message = e.message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return Responses.xml(e.status >= 500 ? 500 : 403,
                             "<\(code)><Code>\(e.code)</Code><Message>\(message)</Message></\(code)>")
    }
}
