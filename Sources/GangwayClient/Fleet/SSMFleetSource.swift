import AWSCore
import ChannelIO
import ConsoleCore
import Foundation
import Logging

/// The console's view of a real fleet: AWS Systems Manager or a gangwayd, through `SSMClient`,
/// `CloudTrailClient` and `SSMShellSession`.
public struct SSMFleetSource: FleetSource {
    public let ssm: SSMClient
    public let cloudTrail: CloudTrailClient
    public let tls: ChannelTLS?
    public let contextName: String
    let logger: Logger

    /// - Parameters:
    ///   - settings: resolved for service `ssm`; CloudTrail uses the same endpoint when it is custom (gangwayd).
    public init(settings: AWSClientSettings, cloudTrailSettings: AWSClientSettings? = nil, http: HTTPClient = HTTPClient(),
                tls: ChannelTLS? = nil, logger: Logger = Logger(label: "gangway.fleet")) {
        ssm = SSMClient(settings: settings, http: http)
        cloudTrail = CloudTrailClient(settings: cloudTrailSettings ?? settings.forService("cloudtrail"), http: http)
        self.tls = tls
        self.logger = logger
        contextName = settings.endpointIsCustom
            ? "\(settings.profile) @ \(settings.endpointURL)"
            : "\(settings.profile) @ \(settings.region)"
    }

    public func instances() async throws -> [InstanceRow] {
        try await ssm.allInstances().map(InstanceRow.init)
    }

    public func sessions(history: Bool) async throws -> [SessionRow] {
        try await ssm.allSessions(state: history ? "History" : "Active", limit: history ? 500 : 10_000).map(SessionRow.init)
    }

    public func auditEvents(_ request: AuditRequest) async throws -> AuditPage {
        var token: String?
        let limit: Int
        switch request {
        case .newest(let n): (token, limit) = (nil, n)
        case .older(let t, let n): (token, limit) = (t, n)
        }
        var rows: [AuditRow] = []
        repeat {
            // Changes only (sessions, terminations, agents, admin): the console's own Describe* polling would
            // otherwise bury them. `gangway audit lookup` shows read-only events too. (An `older` token continues
            // this same query, as CloudTrail requires.)
            let page = try await cloudTrail.lookupEvents(attributes: [.init(key: "ReadOnly", value: "false")],
                                                         maxResults: min(50, max(1, limit - rows.count)), nextToken: token)
            rows += page.events.map(AuditRow.init)
            token = page.nextToken
        } while token != nil && rows.count < limit
        return AuditPage(rows: rows, older: token)
    }

    public func terminate(sessionId: String) async throws {
        try await ssm.terminateSession(sessionId: sessionId)
    }

    public func openShell(target: String, cols: Int, rows: Int) async throws -> any ShellChannel {
        try await SSMShellSession.start(ssm: ssm, target: target, cols: cols, rows: rows, tls: tls, logger: logger)
    }
}

extension SSMFleetSource: InstanceAdministration {
    public func deregister(instanceId: String) async throws {
        try await ssm.deregisterManagedInstance(instanceId: instanceId)
    }
}
