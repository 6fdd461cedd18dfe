import AWSCore
import Foundation

/// The `[s3]` section of gangwayd's config file: where sealed audit segments and finished session recordings go.
///
/// ```toml
/// [s3]
/// bucket = "acme-gangway-audit"        # required; create it with Object Lock enabled
/// region = "eu-west-1"                 # default: the AWS chain (AWS_REGION, profile), else us-east-1
/// endpoint_url = "http://127.0.0.1:5000"  # optional (moto, MinIO); path-style addressing then
/// prefix = "prod/gw-1"                 # keys: PREFIX/audit/segment-000001.jsonl, PREFIX/recordings/<id>.cast
/// object_lock_mode = "COMPLIANCE"      # COMPLIANCE | GOVERNANCE | NONE
/// retention_days = 365
/// seal_interval = 300                  # seconds between audit segment seals (0: only by size and at startup)
/// ```
/// Credentials come from the standard AWS chain (environment, then `profile`), never from this file.
public struct S3ShippingConfig: Sendable, Equatable {
    public var bucket: String
    public var region: String?
    public var endpointURL: String?
    /// Without leading or trailing `/`; empty for none.
    public var prefix: String
    /// nil: no Object Lock headers (the bucket's default retention, if any, applies).
    public var objectLockMode: S3ObjectLockMode?
    public var retentionDays: Double
    /// Seconds between forced seals of the current audit segment; 0 turns the timer off.
    public var sealInterval: TimeInterval
    public var profile: String?
    /// nil: path style for a custom endpoint, virtual-host style for AWS.
    public var addressing: S3Client.Addressing?
    /// First retry delay and cap (seconds); the delay doubles per failed attempt.
    public var retryInitial: TimeInterval
    public var retryMax: TimeInterval
    /// Fixed credentials (tests, embedding); the config file never holds secrets.
    public var credentials: AWSCredentials?

    public init(bucket: String, region: String? = nil, endpointURL: String? = nil, prefix: String = "",
                objectLockMode: S3ObjectLockMode? = .compliance, retentionDays: Double = 365, sealInterval: TimeInterval = 300,
                profile: String? = nil, addressing: S3Client.Addressing? = nil, retryInitial: TimeInterval = 1,
                retryMax: TimeInterval = 300, credentials: AWSCredentials? = nil) {
        self.bucket = bucket
        self.region = region
        self.endpointURL = endpointURL
        self.prefix = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.objectLockMode = objectLockMode
        self.retentionDays = retentionDays
        self.sealInterval = sealInterval
        self.profile = profile
        self.addressing = addressing
        self.retryInitial = retryInitial
        self.retryMax = retryMax
        self.credentials = credentials
    }

    public static let knownKeys: Set<String> = [
        "bucket", "region", "endpoint_url", "prefix", "object_lock_mode", "retention_days", "seal_interval", "profile",
        "addressing_style", "retry_initial", "retry_max",
    ]

    /// Builds the section from `key = value` pairs (keys without `s3.`); errors name the key and the allowed values.
    public static func parse(_ values: [String: String]) throws -> S3ShippingConfig {
        for key in values.keys where !knownKeys.contains(key) {
            throw ControlPlaneConfigError("unknown config key `s3.\(key)`; known keys in [s3]: \(knownKeys.sorted().joined(separator: ", "))")
        }
        guard let bucket = values["bucket"], !bucket.isEmpty else {
            throw ControlPlaneConfigError("[s3] needs `bucket = \"NAME\"` (a bucket created with Object Lock enabled)")
        }
        func number(_ key: String, _ fallback: Double, min: Double) throws -> Double {
            guard let text = values[key] else { return fallback }
            guard let d = Double(text), d >= min else {
                throw ControlPlaneConfigError("config key `s3.\(key)` needs a number ≥ \(min.formatted()), got `\(text)`")
            }
            return d
        }
        var c = S3ShippingConfig(bucket: bucket, region: values["region"], endpointURL: values["endpoint_url"],
                                 prefix: values["prefix"] ?? "", profile: values["profile"])
        switch values["object_lock_mode"]?.uppercased() {
        case nil, "COMPLIANCE": c.objectLockMode = .compliance
        case "GOVERNANCE": c.objectLockMode = .governance
        case "NONE", "": c.objectLockMode = nil
        case let other?:
            throw ControlPlaneConfigError("config key `s3.object_lock_mode` must be COMPLIANCE, GOVERNANCE or NONE, got `\(other)`")
        }
        c.retentionDays = try number("retention_days", 365, min: 0.0001)
        c.sealInterval = try number("seal_interval", 300, min: 0)
        c.retryInitial = try number("retry_initial", 1, min: 0.01)
        c.retryMax = try number("retry_max", 300, min: c.retryInitial)
        switch values["addressing_style"]?.lowercased() {
        case nil, "auto": c.addressing = nil
        case "path": c.addressing = .path
        case "virtual": c.addressing = .virtualHost
        case let other?: throw ControlPlaneConfigError("config key `s3.addressing_style` must be auto, path or virtual, got `\(other)`")
        }
        if let e = c.endpointURL, AWSURL(e) == nil || !e.hasPrefix("http") {
            throw ControlPlaneConfigError("config key `s3.endpoint_url` must be an http:// or https:// URL, got `\(e)`")
        }
        return c
    }

    /// `PREFIX/audit/segment-000001.jsonl`
    public func auditKey(segmentFile name: String) -> String { key("audit/" + name) }
    /// `PREFIX/recordings/<sessionId>.cast`
    public func recordingKey(sessionId: String) -> String { key("recordings/\(sessionId).cast") }
    /// The listing prefix of everything gangwayd ships.
    public var keyPrefix: String { prefix.isEmpty ? "" : prefix + "/" }

    func key(_ rest: String) -> String { keyPrefix + rest }

    /// The client settings: fixed `credentials` when set, else the AWS chain (environment, then `profile`).
    public func clientSettings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AWSClientSettings {
        if let credentials {
            let region = region ?? "us-east-1"
            return AWSClientSettings(credentials: credentials, region: region,
                                     endpointURL: endpointURL ?? "https://s3.\(region).amazonaws.com",
                                     endpointIsCustom: endpointURL != nil)
        }
        do {
            return try AWSClientSettings.resolve(service: "s3", profile: profile, region: region, endpointURL: endpointURL,
                                                 environment: environment)
        } catch {
            throw ControlPlaneConfigError("[s3] shipping is configured but its AWS settings are incomplete: \(error)")
        }
    }
}
