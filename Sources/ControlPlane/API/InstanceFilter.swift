import Foundation

/// One row of DescribeInstanceInformation, before JSON.
struct InstanceView: Sendable, Equatable {
    var agent: AgentRecord
    var online: Bool
    var lastPing: Date?

    var pingStatus: String { online ? "Online" : "ConnectionLost" }
    var resourceType: String { "ManagedInstance" }
    var sourceType: String { "AWS::SSM::ManagedInstance" }

    func json() -> [String: Any] {
        var o: [String: Any] = [
            "InstanceId": agent.instanceId,
            "PingStatus": pingStatus,
            "AgentVersion": agent.agentVersion,
            "IsLatestVersion": false,
            "PlatformType": agent.platformType,
            "PlatformName": agent.platformName,
            "PlatformVersion": agent.platformVersion,
            "ResourceType": resourceType,
            "IPAddress": agent.ipAddress,
            "ComputerName": agent.computerName,
            "Name": agent.computerName,
            "RegistrationDate": JSONResponse.epoch(agent.registeredAt),
            "SourceId": agent.instanceId,
            "SourceType": sourceType,
            // Gangway extension: labels as tags (EKS cluster/nodegroup among them). Clients ignore unknown members.
            "Tags": agent.labels.sorted { $0.key < $1.key }.map { ["Key": $0.key, "Value": $0.value] },
        ]
        if let lastPing { o["LastPingDateTime"] = JSONResponse.epoch(lastPing) }
        return o
    }
}

/// DescribeInstanceInformation filters (both the `Filters` and legacy `InstanceInformationFilterList` forms). Pure.
struct InstanceFilter: Sendable, Equatable {
    var key: String
    var values: [String]

    static let filtersKeys: Set<String> = ["InstanceIds", "AgentVersion", "PingStatus", "PlatformTypes", "ActivationIds",
                                           "IamRole", "ResourceType", "AssociationStatus", "SourceIds", "SourceTypes",
                                           "tag-key"]
    static let legacyKeys: Set<String> = ["InstanceIds", "AgentVersion", "PingStatus", "PlatformTypes", "ActivationIds",
                                          "IamRole", "ResourceType", "AssociationStatus"]

    /// Validates a key; `tag:<k>` is allowed in `Filters` only.
    static func make(key: String, values: [String], legacy: Bool) throws(APIError) -> InstanceFilter {
        let ok = legacy ? legacyKeys.contains(key) : (filtersKeys.contains(key) || (key.hasPrefix("tag:") && key.count > 4))
        guard ok else {
            let allowed = (legacy ? legacyKeys : filtersKeys.union(["tag:<key>"])).sorted().joined(separator: ", ")
            throw APIError(400, "InvalidFilterKey", "The filter key \(key) is not valid; use one of \(allowed)")
        }
        guard !values.isEmpty else {
            throw APIError(400, "InvalidInstanceInformationFilterValue", "The filter \(key) needs at least one value")
        }
        return InstanceFilter(key: key, values: values)
    }

    func matches(_ v: InstanceView) -> Bool {
        let a = v.agent
        switch key {
        case "InstanceIds", "SourceIds": return values.contains(a.instanceId)
        case "AgentVersion": return values.contains(a.agentVersion)
        case "PingStatus": return values.contains(v.pingStatus)
        case "PlatformTypes": return values.contains { $0.caseInsensitiveCompare(a.platformType) == .orderedSame }
        case "ResourceType": return values.contains(v.resourceType)
        case "SourceTypes": return values.contains(v.sourceType)
        case "tag-key": return values.contains { a.labels[$0] != nil }
        case "ActivationIds", "IamRole", "AssociationStatus": return false
        default:
            if key.hasPrefix("tag:"), let value = a.labels[String(key.dropFirst(4))] { return values.contains(value) }
            return false
        }
    }
}
