import AWSCore
import Foundation

/// Everything `gangway login --oidc` needs, from the command line first, then from the profile in the AWS config
/// file (`[profile NAME]` in ~/.aws/config or AWS_CONFIG_FILE):
///
/// ```ini
/// [profile sso]
/// gangway_oidc_issuer = https://idp.example.com/realms/ops
/// gangway_oidc_client_id = gangway
/// gangway_role_arn = arn:aws:iam::123456789012:role/operators
/// gangway_oidc_scope = groups email
/// gangway_session_duration = 3600
/// endpoint_url = https://gangwayd.example:8443
/// region = eu-west-1
/// ```
///
/// `gangway_oidc_scope` (besides openid) and `gangway_session_duration` are optional; the STS endpoint is
/// `sts.endpoint_url`, else `endpoint_url`, else AWS STS of `region`. (Like the AWS CLI, no comments after values.)
///
/// `gangway_role_arn`, not `role_arn`: with `role_arn` the AWS CLI would try to assume the role itself from a
/// `source_profile` and refuse the profile.
public struct OIDCLoginSettings: Sendable, Equatable {
    public var profile: String
    public var issuer: String
    public var clientId: String
    public var roleArn: String
    public var extraScopes: [String]
    public var durationSeconds: Int?
    public var sessionName: String?
    public var stsEndpoint: String
    public var credentialsPath: String

    /// Command-line values; nil means "take it from the profile".
    public struct Overrides: Sendable, Equatable {
        public var profile: String?
        public var issuer: String?
        public var clientId: String?
        public var roleArn: String?
        public var scope: String?
        public var durationSeconds: Int?
        public var sessionName: String?
        public var endpointURL: String?
        public var region: String?

        public init(profile: String? = nil, issuer: String? = nil, clientId: String? = nil, roleArn: String? = nil,
                    scope: String? = nil, durationSeconds: Int? = nil, sessionName: String? = nil,
                    endpointURL: String? = nil, region: String? = nil) {
            self.profile = profile
            self.issuer = issuer
            self.clientId = clientId
            self.roleArn = roleArn
            self.scope = scope
            self.durationSeconds = durationSeconds
            self.sessionName = sessionName
            self.endpointURL = endpointURL
            self.region = region
        }
    }

    public static func resolve(_ o: Overrides,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OIDCLoginSettings {
        let files: AWSSharedConfig
        do {
            files = try AWSSharedConfig(environment: environment)
        } catch let e as AWSConfigError {
            throw LoginError(e.message)
        } catch {
            throw LoginError("\(error)")
        }
        func env(_ k: String) -> String? { environment[k].flatMap { $0.isEmpty ? nil : $0 } }
        let profile = o.profile ?? env("AWS_PROFILE") ?? env("AWS_DEFAULT_PROFILE") ?? "default"
        let section = files.configSection(profile) ?? [:]
        func setting(_ key: String) -> String? { section[key].flatMap { $0.isEmpty ? nil : $0 } }

        func required(_ value: String?, option: String, key: String) throws -> String {
            if let value, !value.isEmpty { return value }
            throw LoginError("no \(option) given: pass \(option) or add '\(key) = …' to [\(profile == "default" ? "default" : "profile \(profile)")] in \(files.configPath)")
        }
        let issuer = try required(o.issuer ?? setting("gangway_oidc_issuer"), option: "--issuer", key: "gangway_oidc_issuer")
        let clientId = try required(o.clientId ?? setting("gangway_oidc_client_id"), option: "--client-id", key: "gangway_oidc_client_id")
        let roleArn = try required(o.roleArn ?? setting("gangway_role_arn"), option: "--role-arn", key: "gangway_role_arn")
        guard let issuerURL = AWSURL(issuer), issuerURL.scheme == "http" || issuerURL.scheme == "https" else {
            throw LoginError("issuer '\(issuer)' is not an http:// or https:// URL")
        }

        var duration = o.durationSeconds
        if duration == nil, let text = setting("gangway_session_duration") {
            guard let d = Int(text) else {
                throw LoginError("gangway_session_duration = \(text) in profile '\(profile)' (\(files.configPath)) is not a number of seconds")
            }
            duration = d
        }
        if let d = duration, !(900...43_200).contains(d) {
            throw LoginError("session duration \(d) s is outside 900…43200 s (15 min to 12 h); pass --duration in that range")
        }
        let scopes = (o.scope ?? setting("gangway_oidc_scope") ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)

        var endpoint = o.endpointURL ?? env("AWS_ENDPOINT_URL_STS") ?? env("AWS_ENDPOINT_URL")
        if endpoint == nil, env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") != "true" {
            endpoint = setting("sts.endpoint_url") ?? setting("endpoint_url")
        }
        if let e = endpoint, AWSURL(e) == nil {
            throw LoginError("endpoint URL '\(e)' is not an absolute http:// or https:// URL")
        }
        let region = o.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? setting("region")
        return OIDCLoginSettings(profile: profile, issuer: issuer, clientId: clientId, roleArn: roleArn,
                                 extraScopes: scopes, durationSeconds: duration, sessionName: o.sessionName,
                                 stsEndpoint: endpoint ?? STSClient.defaultEndpoint(region: region),
                                 credentialsPath: files.credentialsPath)
    }

    /// A RoleSessionName (`[\w+=,.@-]{2,64}`) from the ID token's user, or `gangway-<time>`.
    public static func sessionName(for tokens: OIDCTokens, now: Date) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-")
        let raw = tokens.subjectName ?? ""
        let cleaned = String(raw.map { allowed.contains($0) ? $0 : "-" }.prefix(64))
        return cleaned.count >= 2 ? cleaned : "gangway-\(Int(now.timeIntervalSince1970))"
    }
}
