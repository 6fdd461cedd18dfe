import Foundation

/// A CloudTrail `LookupEvents` error, in the AWS JSON 1.1 shape (`{"__type":code,"message":…}`, HTTP 400).
public struct AuditLookupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var httpStatus: Int { 400 }
    public var description: String { "\(code): \(message)" }
    public var body: Data { Data(AuditJSON.object([("__type", .string(code)), ("message", .string(message))]).bytes) }
}

/// A parsed, validated LookupEvents request; matches index entries. No I/O.
public struct AuditLookupQuery: Sendable, Equatable {
    public enum Attribute: String, Sendable, CaseIterable {
        case EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId
    }

    public var attribute: (key: Attribute, value: String)?
    public var startTime: Date?
    public var endTime: Date?
    public var maxResults: Int
    /// Continue with events whose seq is below this (from NextToken).
    public var beforeSeq: UInt64?

    public static func == (a: Self, b: Self) -> Bool {
        a.attribute?.key == b.attribute?.key && a.attribute?.value == b.attribute?.value && a.startTime == b.startTime
            && a.endTime == b.endTime && a.maxResults == b.maxResults && a.beforeSeq == b.beforeSeq
    }

    public init(request: Data) throws {
        let json: AuditJSON
        do { json = request.isEmpty ? .object([]) : try AuditJSONParser.parse(request) } catch {
            throw AuditLookupError(code: "SerializationException", message: "request body is not valid JSON: \(error)")
        }
        if let attrs = json["LookupAttributes"]?.arrayValue, !attrs.isEmpty {
            guard attrs.count == 1 else {
                throw AuditLookupError(code: "InvalidLookupAttributesException",
                                       message: "LookupAttributes accepts one attribute; got \(attrs.count)")
            }
            guard let keyText = attrs[0]["AttributeKey"]?.stringValue, let key = Attribute(rawValue: keyText) else {
                throw AuditLookupError(code: "InvalidLookupAttributesException",
                                       message: "AttributeKey must be one of "
                                           + Attribute.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let value = attrs[0]["AttributeValue"]?.stringValue, !value.isEmpty, value.count <= 2000 else {
                throw AuditLookupError(code: "InvalidLookupAttributesException",
                                       message: "AttributeValue must be 1–2000 characters")
            }
            if key == .ReadOnly, value != "true", value != "false" {
                throw AuditLookupError(code: "InvalidLookupAttributesException",
                                       message: "ReadOnly must be \"true\" or \"false\"")
            }
            attribute = (key, value)
        }
        startTime = try Self.time(json["StartTime"], "StartTime")
        endTime = try Self.time(json["EndTime"], "EndTime")
        if let s = startTime, let e = endTime, s > e {
            throw AuditLookupError(code: "InvalidTimeRangeException", message: "StartTime must not be after EndTime")
        }
        maxResults = 50
        if let m = json["MaxResults"] {
            guard let v = m.intValue, (1...50).contains(v) else {
                throw AuditLookupError(code: "InvalidMaxResultsException", message: "MaxResults must be 1–50")
            }
            maxResults = v
        }
        if let token = json["NextToken"]?.stringValue {
            beforeSeq = try Self.decodeToken(token, fingerprint: fingerprint)
        }
    }

    private static func time(_ value: AuditJSON?, _ name: String) throws -> Date? {
        guard let value, value != .null else { return nil }
        if let seconds = value.doubleValue { return Date(timeIntervalSince1970: seconds) }
        if let text = value.stringValue, let date = AuditTime.parse(text) ?? Double(text).map(Date.init(timeIntervalSince1970:)) {
            return date
        }
        throw AuditLookupError(code: "InvalidTimeRangeException", message: "\(name) must be epoch seconds or ISO-8601")
    }

    /// Ties a NextToken to the filter it was issued for (CloudTrail rejects a token reused with other filters).
    var fingerprint: String {
        var h: UInt64 = 0xcbf29ce484222325
        let text = "\(attribute?.key.rawValue ?? "")|\(attribute?.value ?? "")|\(startTime?.timeIntervalSince1970 ?? -1)|\(endTime?.timeIntervalSince1970 ?? -1)"
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16)
    }

    func encodeToken(beforeSeq: UInt64) -> String {
        Data("gw1:\(beforeSeq):\(fingerprint)".utf8).base64EncodedString()
    }

    private static func decodeToken(_ token: String, fingerprint: String) throws -> UInt64 {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else {
            throw AuditLookupError(code: "InvalidNextTokenException", message: "NextToken is not one this server issued")
        }
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "gw1", let seq = UInt64(parts[1]) else {
            throw AuditLookupError(code: "InvalidNextTokenException", message: "NextToken is not one this server issued")
        }
        guard parts[2] == fingerprint else {
            throw AuditLookupError(code: "InvalidNextTokenException",
                                   message: "NextToken was issued for different LookupAttributes or time range")
        }
        return seq
    }

    /// The test an index entry must pass, with the attribute's value prepared once (an event id parsed to the
    /// index's form): the lookup runs it over every entry, holding the lock appends take.
    public func matcher() -> (AuditIndexEntry) -> Bool {
        let (startTime, endTime, attribute) = (self.startTime, self.endTime, self.attribute)
        let wantedID = attribute?.key == .EventId ? attribute.map { StoredEventID($0.value) } : nil
        return { e in
            if let s = startTime, e.eventTime < s { return false }
            if let t = endTime, e.eventTime > t { return false }
            guard let (key, value) = attribute else { return true }
            switch key {
            case .EventId: return e.storedID == wantedID
            case .EventName: return e.eventName == value
            case .ReadOnly: return e.readOnly == (value == "true")
            case .Username: return e.username == value
            case .ResourceType: return e.resources.contains { $0.type == value }
            case .ResourceName: return e.resources.contains { $0.name == value }
            case .EventSource: return e.eventSource == value
            case .AccessKeyId: return e.accessKeyId == value
            }
        }
    }
}
