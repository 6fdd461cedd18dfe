import AWSCore
import ArgumentParser
import Foundation
import GangwayClient

/// `gangway audit lookup`: CloudTrail LookupEvents against AWS or a gangwayd (`--endpoint-url`), newest first.
struct AuditLookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Look up audit events (CloudTrail LookupEvents), newest first.",
        discussion: "At most one filter: --user, --event-name, --resource or --attribute KEY=VALUE.")

    @OptionGroup var aws: AWSOptions

    @Option(help: "Events by this user name.")
    var user: String?

    @Option(name: .customLong("event-name"), help: "Events with this name (StartSession, TerminateSession, …).")
    var eventName: String?

    @Option(help: "Events touching this resource (instance id or session id).")
    var resource: String?

    @Option(help: "KEY=VALUE with KEY one of EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId.")
    var attribute: String?

    @Option(help: "Only events at or after this time (ISO-8601 like 2026-11-30T13:00:00Z, or epoch seconds).")
    var start: String?

    @Option(help: "Only events at or before this time.")
    var end: String?

    @Option(help: "At most this many events.")
    var limit: Int = 50

    @Option(help: "table or json.")
    var output: OutputFormat = .table

    func validate() throws {
        if [user, eventName, resource, attribute].compactMap({ $0 }).count > 1 {
            throw ValidationError("LookupEvents takes one filter: pass only one of --user, --event-name, --resource, --attribute")
        }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    static func time(_ text: String?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        throw ValidationError("\(name) '\(text)' is neither ISO-8601 (2026-11-30T13:00:00Z) nor epoch seconds")
    }

    func run() async throws {
        var attributes: [CloudTrailClient.LookupAttribute] = []
        if let user { attributes.append(.init(key: "Username", value: user)) }
        if let eventName { attributes.append(.init(key: "EventName", value: eventName)) }
        if let resource { attributes.append(.init(key: "ResourceName", value: resource)) }
        if let attribute {
            guard let eq = attribute.firstIndex(of: "="), eq != attribute.startIndex else {
                throw ValidationError("--attribute '\(attribute)' is not KEY=VALUE (e.g. Username=alice)")
            }
            attributes.append(.init(key: String(attribute[..<eq]), value: String(attribute[attribute.index(after: eq)...])))
        }
        let startTime = try Self.time(start, "--start"), endTime = try Self.time(end, "--end")
        let client = CloudTrailClient(settings: try aws.settings(service: "cloudtrail"), http: aws.httpClient())
        var events: [CloudTrailClient.Event] = []
        var token: String?
        try await CLIErrors.readable {
            repeat {
                let page = try await client.lookupEvents(attributes: attributes, startTime: startTime, endTime: endTime,
                                                         maxResults: min(50, limit - events.count), nextToken: token)
                events += page.events
                token = page.nextToken
            } while token != nil && events.count < limit
        }
        switch output {
        case .json:
            let records = events.compactMap { $0.CloudTrailEvent }
            print("[" + records.joined(separator: ",\n") + "]")
        case .table:
            print(AuditLookupTable.render(events), terminator: "")
        }
    }
}

/// The table `gangway audit lookup` prints: time, user, event, source IP, resources, error.
enum AuditLookupTable {
    /// The ERROR cell: the code and, after it, the message saying why (the policy decision behind an AccessDenied).
    static func error(_ record: [String: Any]?) -> String {
        let code = record?["errorCode"] as? String ?? ""
        guard let message = record?["errorMessage"] as? String, !message.isEmpty else { return code }
        return code.isEmpty ? message : "\(code): \(message)"
    }

    static func render(_ events: [CloudTrailClient.Event]) -> String {
        let formatter = ISO8601DateFormatter()
        var rows = [["TIME", "USER", "EVENT", "SOURCE IP", "RESOURCES", "ERROR"]]
        for e in events {
            let record = e.CloudTrailEvent.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            rows.append([
                e.EventTime.map { formatter.string(from: $0) } ?? "-",
                e.Username ?? "-",
                e.EventName ?? "-",
                record?["sourceIPAddress"] as? String ?? "-",
                (e.Resources ?? []).compactMap(\.ResourceName).joined(separator: ","),
                error(record),
            ])
        }
        // Every field may come from a caller (a Target, an X-Amz-Target header): no control characters reach the
        // auditor's terminal.
        rows = rows.map { $0.map(TerminalSafeText.make) }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
