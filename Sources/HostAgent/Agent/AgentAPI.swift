import AWSCore
import Foundation
import Logging

/// The agent's HTTP calls to gangwayd: registration (unsigned, Gangway extension), UpdateInstanceInformation
/// (SigV4 `ssm`), CreateControlChannel / CreateDataChannel (SigV4 `ssmmessages`, 201 + XML).
public struct AgentAPI: Sendable {
    public let server: String
    public let region: String
    let http: HTTPClient
    /// Corrects the signing time when gangwayd refuses it (this host's clock has drifted); shared by every copy.
    public let clockSkew: ClockSkew
    /// Told once per newly learnt skew (the runtime logs it).
    let onClockSkew: @Sendable (TimeInterval) -> Void

    public static let agentVersion = "3.3.0.1"
    public static let agentName = "gangway-agent"

    public init(server: String, region: String = "us-east-1", http: HTTPClient, clockSkew: ClockSkew = ClockSkew(),
                onClockSkew: @escaping @Sendable (TimeInterval) -> Void = { _ in }) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.region = region
        self.http = http
        self.clockSkew = clockSkew
        self.onClockSkew = onClockSkew
    }

    /// Cheap reachability probe: GET /healthz answered 200 within `timeout`.
    public func healthy(timeout: Duration) async -> Bool {
        let response = try? await http.execute(HTTPRequest(method: "GET", url: server + "/healthz", timeout: timeout))
        return response?.status == 200
    }

    /// Exchanges a registration token for an identity.
    public func register(token: String, facts: HostFacts, labels: [String: String]) async throws -> AgentIdentity {
        let body: [String: Any] = [
            "RegistrationToken": token, "ComputerName": facts.computerName, "PlatformType": facts.platformType,
            "PlatformName": facts.platformName, "PlatformVersion": facts.platformVersion, "IPAddress": facts.ipAddress,
            "AgentVersion": Self.agentVersion, "Labels": labels,
        ]
        let response = try await http.execute(HTTPRequest(
            method: "POST", url: server + "/gangway/v1/agents/register",
            headers: [("Content-Type", "application/json")], body: Array(try JSONSerialization.data(withJSONObject: body)),
            timeout: .seconds(15)))
        guard response.status == 200 else {
            if response.status == 403 || response.status == 400 {
                throw HostAgentError.registrationRejected(status: response.status, body: response.bodyText)
            }
            throw HostAgentError.serverError(operation: "register", status: response.status, body: response.bodyText)
        }
        guard let o = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let id = o["InstanceId"] as? String, let key = o["AccessKeyId"] as? String,
              let secret = o["SecretAccessKey"] as? String else {
            throw HostAgentError.badResponse(operation: "register", detail: response.bodyText)
        }
        return AgentIdentity(instanceId: id, accessKeyId: key, secretAccessKey: secret, server: server)
    }

    public func updateInstanceInformation(identity: AgentIdentity, facts: HostFacts, labels: [String: String]) async throws {
        let body: [String: Any] = [
            "InstanceId": identity.instanceId, "AgentName": Self.agentName, "AgentVersion": Self.agentVersion,
            "AgentStatus": "Active", "PlatformType": facts.platformType, "PlatformName": facts.platformName,
            "PlatformVersion": facts.platformVersion, "IPAddress": facts.ipAddress, "ComputerName": facts.computerName,
            "Labels": labels,
        ]
        let response = try await signedPost(identity: identity, service: "ssm", path: "/",
                                             headers: [("Content-Type", "application/x-amz-json-1.1"),
                                                       ("X-Amz-Target", "AmazonSSM.UpdateInstanceInformation")],
                                             json: body)
        guard response.status == 200 else {
            throw HostAgentError.serverError(operation: "UpdateInstanceInformation", status: response.status, body: response.bodyText)
        }
    }

    /// `POST /v1/control-channel/<id>` → token.
    public func createControlChannel(identity: AgentIdentity) async throws -> String {
        try await channelToken(identity: identity, path: "/v1/control-channel/\(identity.instanceId)",
                               json: ["MessageSchemaVersion": "1.0", "RequestId": UUID().uuidString.lowercased()],
                               operation: "CreateControlChannel")
    }

    /// `POST /v1/data-channel/<sessionId>` → token.
    public func createDataChannel(identity: AgentIdentity, sessionId: String, clientId: String) async throws -> String {
        try await channelToken(identity: identity, path: "/v1/data-channel/\(sessionId)",
                               json: ["MessageSchemaVersion": "1.0", "RequestId": UUID().uuidString.lowercased(),
                                      "ClientId": clientId],
                               operation: "CreateDataChannel")
    }

    /// The WebSocket URL (ws/wss) for a path on the server.
    public func webSocketURL(path: String) -> URL? {
        var s = server
        if s.hasPrefix("https://") { s = "wss://" + s.dropFirst(8) } else if s.hasPrefix("http://") { s = "ws://" + s.dropFirst(7) }
        return URL(string: s + path)
    }

    func channelToken(identity: AgentIdentity, path: String, json: [String: Any], operation: String) async throws -> String {
        let response = try await signedPost(identity: identity, service: "ssmmessages", path: path,
                                             headers: [("Content-Type", "application/json")], json: json)
        guard response.status == 201 else {
            throw HostAgentError.serverError(operation: operation, status: response.status, body: response.bodyText)
        }
        guard let token = Self.xmlElement("TokenValue", in: response.bodyText), !token.isEmpty else {
            throw HostAgentError.badResponse(operation: operation, detail: "no TokenValue in \(response.bodyText)")
        }
        return token
    }

    func signedPost(identity: AgentIdentity, service: String, path: String, headers: [(String, String)],
                    json: [String: Any]) async throws -> HTTPResponse {
        let body = Array(try JSONSerialization.data(withJSONObject: json))
        let url = server + path
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyId: identity.accessKeyId,
                                                             secretAccessKey: identity.secretAccessKey),
                                 region: region, service: service)
        func send() async throws -> HTTPResponse {
            let auth = try signer.signingHeaders(method: "POST", url: url, headers: headers, body: body, date: clockSkew.now())
            let all = headers + auth.filter { $0.0.lowercased() != "host" }
            return try await http.execute(HTTPRequest(method: "POST", url: url, headers: all, body: body, timeout: .seconds(15)))
        }
        let response = try await send()
        // Refused for its signing time: this host's clock is off. Sign again with gangwayd's time (from its Date
        // header), as the AWS SDKs correct clock skew; later requests use it from the start.
        if let offset = clockSkew.learn(status: response.status, headers: response.headers, body: response.bodyText) {
            onClockSkew(offset)
            return try await send()
        }
        return response
    }

    /// The text of the first `<name>…</name>` element (XML entities for &, <, > decoded).
    static func xmlElement(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else {
            return nil
        }
        return String(xml[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
