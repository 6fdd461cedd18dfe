import Foundation

/// What the shipper did so far, for `/metrics` and tests.
public struct ShippingCounters: Sendable, Equatable {
    /// Objects uploaded (audit segments and recordings).
    public var uploads = 0
    public var uploadedBytes = 0
    /// Failed attempts (each retry that failed counts once).
    public var failures = 0
    /// Files found already in the bucket with the same MD5 (after a crash between upload and marker).
    public var alreadyPresent = 0
    /// Files waiting (including the one being retried).
    public var pending = 0
    /// Files that vanished before they could be shipped (logged and audited).
    public var missingFiles = 0
    public var lastError: String?

    public init() {}

    /// Prometheus text lines.
    public var metricsText: String {
        """
        gangway_ship_uploads_total \(uploads)
        gangway_ship_uploaded_bytes_total \(uploadedBytes)
        gangway_ship_failures_total \(failures)
        gangway_ship_already_present_total \(alreadyPresent)
        gangway_ship_missing_files_total \(missingFiles)
        gangway_ship_pending \(pending)

        """
    }
}
