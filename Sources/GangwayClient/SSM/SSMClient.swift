import AWSCore
import Foundation

/// Typed calls of the SSM session API (AWS or gangwayd). Errors: `AWSError` (the service said no),
/// `HTTPClientError` (no answer).
public struct SSMClient: Sendable {
    public var json: AWSJSONClient

    public init(settings: AWSClientSettings, http: HTTPClient = HTTPClient()) {
        json = AWSJSONClient(settings: settings, signingName: "ssm", targetPrefix: "AmazonSSM", http: http)
    }

    public init(json: AWSJSONClient) { self.json = json }

    public var settings: AWSClientSettings { json.settings }

    /// One page of DescribeInstanceInformation.
    public func describeInstanceInformation(filters: [InstanceInformationStringFilter] = [], maxResults: Int? = 50,
                                            nextToken: String? = nil) async throws -> (instances: [InstanceInformation], nextToken: String?) {
        let out: DescribeInstanceInformationOutput = try await json.call(
            "DescribeInstanceInformation",
            DescribeInstanceInformationInput(Filters: filters.isEmpty ? nil : filters, MaxResults: maxResults, NextToken: nextToken))
        return (out.InstanceInformationList ?? [], out.NextToken.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Every instance matching `filters`, following NextToken (at most `maxPages` pages, a guard against
    /// a server that never stops).
    public func allInstances(filters: [InstanceInformationStringFilter] = [], maxPages: Int = 1000) async throws -> [InstanceInformation] {
        var all: [InstanceInformation] = []
        var token: String? = nil
        for _ in 0..<maxPages {
            let page = try await describeInstanceInformation(filters: filters, maxResults: 50, nextToken: token)
            all += page.instances
            guard let next = page.nextToken, next != token else { break }
            token = next
        }
        return all
    }

    public func startSession(target: String, documentName: String? = nil, parameters: [String: [String]]? = nil,
                             reason: String? = nil) async throws -> SessionStreamInfo {
        try await json.call("StartSession", StartSessionInput(Target: target, DocumentName: documentName,
                                                              Parameters: parameters, Reason: reason))
    }

    public func resumeSession(sessionId: String) async throws -> SessionStreamInfo {
        try await json.call("ResumeSession", SessionIdInput(SessionId: sessionId))
    }

    /// DeregisterManagedInstance: the instance leaves the fleet; its agent must register anew to come back.
    public func deregisterManagedInstance(instanceId: String) async throws {
        let _: EmptyOutput = try await json.call("DeregisterManagedInstance", InstanceIdInput(InstanceId: instanceId))
    }

    @discardableResult
    public func terminateSession(sessionId: String) async throws -> String {
        let out: SessionIdOutput = try await json.call("TerminateSession", SessionIdInput(SessionId: sessionId))
        return out.SessionId ?? sessionId
    }

    /// One page of DescribeSessions. `state`: `Active` or `History`.
    public func describeSessions(state: String, filters: [SessionFilter] = [], maxResults: Int? = 200,
                                 nextToken: String? = nil) async throws -> (sessions: [SSMSession], nextToken: String?) {
        let out: DescribeSessionsOutput = try await json.call(
            "DescribeSessions",
            DescribeSessionsInput(State: state, MaxResults: maxResults, NextToken: nextToken, Filters: filters.isEmpty ? nil : filters))
        return (out.Sessions ?? [], out.NextToken.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Every session in `state`, following NextToken (at most `limit` sessions).
    public func allSessions(state: String, filters: [SessionFilter] = [], limit: Int = 10_000) async throws -> [SSMSession] {
        var all: [SSMSession] = []
        var token: String? = nil
        repeat {
            let page = try await describeSessions(state: state, filters: filters, maxResults: 200, nextToken: token)
            all += page.sessions
            guard let next = page.nextToken, next != token else { break }
            token = next
        } while all.count < limit
        return Array(all.prefix(limit))
    }

    public func connectionStatus(target: String) async throws -> ConnectionStatus {
        try await json.call("GetConnectionStatus", TargetInput(Target: target))
    }
}
