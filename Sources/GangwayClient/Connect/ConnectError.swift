import Foundation

/// Why `gangway connect` could not start, phrased for the operator.
public struct ConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension SSMClient {
    /// Resolves `target` (instance id, Name/ComputerName, or unique prefix) to an instance id that is
    /// Online. Throws `ConnectError` naming the candidates when ambiguous, and saying when the agent was
    /// last seen when it is not connected.
    public func resolveConnectTarget(_ target: String, now: Date = Date()) async throws -> String {
        var instances: [InstanceInformation]
        if TargetResolver.looksLikeInstanceId(target) {
            instances = try await describeInstanceInformation(
                filters: [InstanceInformationStringFilter(key: "InstanceIds", values: [target])]).instances
            if instances.isEmpty {
                // Not visible to DescribeInstanceInformation (permissions, other API): let StartSession decide.
                return target
            }
        } else {
            instances = try await allInstances()
        }
        switch TargetResolver.resolve(target, among: instances) {
        case .instance(let i):
            if let status = i.PingStatus, status != "Online" {
                throw ConnectError("target \(i.InstanceId)\(i.displayName.isEmpty ? "" : " (\(TerminalSafeText.make(i.displayName)))") is not connected (agent \(status), last seen \(RelativeTime.ago(i.LastPingDateTime, now: now))); check that gangway-agent / amazon-ssm-agent runs on it")
            }
            return i.InstanceId
        case .ambiguous(let candidates):
            let lines = candidates.prefix(20).map {
                // Names come from the hosts: printed with control characters escaped (TerminalSafeText).
                "  \($0.InstanceId)  \($0.displayName.isEmpty ? "-" : TerminalSafeText.make($0.displayName))  \($0.PingStatus ?? "")"
            }
            let more = candidates.count > 20 ? "\n  … and \(candidates.count - 20) more" : ""
            throw ConnectError("'\(target)' matches \(candidates.count) instances; use a longer prefix or the instance id:\n" + lines.joined(separator: "\n") + more)
        case .notFound:
            throw ConnectError("no managed instance matches '\(target)' (\(instances.count) listed by \(settings.endpointURL)); see `gangway ls`")
        }
    }
}
