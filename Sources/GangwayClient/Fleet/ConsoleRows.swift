import ConsoleCore
import Foundation

extension InstanceRow {
    /// The console/CLI row of an SSM instance. EKS nodes are recognised by their `eks:cluster-name` /
    /// `eks:nodegroup-name` tags (gangwayd reports agent labels as tags).
    public init(_ i: InstanceInformation) {
        let tags = i.tagMap
        self.init(id: i.InstanceId, name: i.displayName, pingStatus: PingStatus(ssm: i.PingStatus ?? ""),
                  platform: [i.PlatformName, i.PlatformVersion].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
                      .nonEmpty ?? i.PlatformType ?? "",
                  agentVersion: i.AgentVersion ?? "", ip: i.IPAddress ?? "", lastSeen: i.LastPingDateTime,
                  cluster: tags["eks:cluster-name"], nodegroup: tags["eks:nodegroup-name"], tags: tags,
                  platformType: i.PlatformType ?? "", computerName: i.ComputerName ?? "", registered: i.RegistrationDate,
                  resourceType: i.ResourceType ?? "")
    }
}

extension SessionRow {
    public init(_ s: SSMSession) {
        self.init(id: s.SessionId, owner: s.Owner ?? "", target: s.Target ?? "", status: SessionStatus(ssm: s.Status ?? ""),
                  started: s.StartDate, ended: s.EndDate, reason: s.Reason ?? "",
                  details: s.Details.flatMap { $0.isEmpty ? nil : $0 })
    }
}

extension AuditRow {
    /// A CloudTrail event flattened: source IP and error code come from the embedded CloudTrailEvent JSON.
    public init(_ e: CloudTrailClient.Event) {
        var sourceIP = ""
        var result = "success"
        var principal = e.Username ?? ""
        var detail: AuditDetail?
        if let text = e.CloudTrailEvent, let obj = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] {
            detail = Self.detail(obj)
            sourceIP = obj["sourceIPAddress"] as? String ?? ""
            if let code = obj["errorCode"] as? String, !code.isEmpty { result = code }
            if principal.isEmpty, let ui = obj["userIdentity"] as? [String: Any] {
                principal = ui["userName"] as? String ?? ui["principalId"] as? String ?? ""
            }
        }
        let target = e.Resources?.first { ($0.ResourceName ?? "").isEmpty == false }?.ResourceName ?? ""
        let session = e.Resources?.first { $0.ResourceType == "AWS::SSM::Session" && ($0.ResourceName ?? "").isEmpty == false }
        self.init(id: e.EventId, time: e.EventTime ?? Date(timeIntervalSince1970: 0), principal: principal,
                  event: e.EventName ?? "", target: target, sourceIP: sourceIP, result: result,
                  sessionId: session?.ResourceName, detail: detail)
    }

    /// The record's fields beyond the view's columns.
    static func detail(_ o: [String: Any]) -> AuditDetail {
        var d = AuditDetail()
        let identity = o["userIdentity"] as? [String: Any] ?? [:]
        d.identityType = identity["type"] as? String ?? ""
        d.accessKeyId = identity["accessKeyId"] as? String ?? ""
        d.eventSource = o["eventSource"] as? String ?? ""
        d.region = o["awsRegion"] as? String ?? ""
        d.userAgent = o["userAgent"] as? String ?? ""
        d.errorMessage = o["errorMessage"] as? String ?? ""
        if let request = o["requestParameters"] as? [String: Any] {
            d.request = request.keys.sorted().map { key in
                let value = request[key]!
                if let text = value as? String { return "\(key)=\(text)" }
                let json = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
                return "\(key)=\(json)"
            }
        }
        d.resources = (o["resources"] as? [[String: Any]] ?? []).map {
            [$0["type"] as? String, $0["name"] as? String].compactMap { $0 }.joined(separator: " ")
        }
        d.sequence = o["seq"] as? Int  // exact: a huge or fractional number is left out, not wrapped
        d.hash = o["hash"] as? String ?? ""
        return d
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
