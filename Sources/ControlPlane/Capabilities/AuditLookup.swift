import Foundation

/// An audit sink that can answer CloudTrail `LookupEvents` (the hash-chained `AuditLogSink` can; the JSON-lines
/// fallback cannot, and gangwayd then answers UnknownOperationException for that target).
public protocol AuditLookup: Sendable {
    /// `(HTTP status, JSON body)`; errors come back in the AWS JSON 1.1 error shape.
    func lookupEvents(request: Data) async -> (status: Int, body: Data)
}

/// An audit sink with periodic and final work: signed checkpoints on the maintenance timer, a seal at shutdown.
public protocol AuditMaintenance: Sendable {
    func checkpointIfDue() async throws
    func close() async throws
}

/// CloudTrail's JSON 1.1 target for LookupEvents.
public enum CloudTrailTarget {
    public static let lookupEvents = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
}
