import Foundation

/// Everything a client needs to call one AWS(-compatible) service, resolved the way the AWS CLI does:
///
/// - profile: `--profile` › AWS_PROFILE › AWS_DEFAULT_PROFILE › `default`
/// - credentials: with an explicit `--profile`, that profile; otherwise AWS_ACCESS_KEY_ID/… › the profile
/// - region: `--region` › AWS_REGION › AWS_DEFAULT_REGION › profile `region` › `us-east-1` when an endpoint
///   URL is set (gangwayd accepts any region)
/// - endpoint: `--endpoint-url` › AWS_ENDPOINT_URL_<SERVICE> › AWS_ENDPOINT_URL › profile `<service>.endpoint_url`
///   › profile `endpoint_url` › `https://<service>.<region>.amazonaws.com`
public struct AWSClientSettings: Sendable {
    public var profile: String
    public var credentials: AWSCredentials
    public var region: String
    /// Base URL for the service (no trailing slash), e.g. `https://ssm.eu-west-1.amazonaws.com`.
    public var endpointURL: String
    /// True when the endpoint came from configuration (a self-hosted gangwayd) rather than the AWS default.
    public var endpointIsCustom: Bool
    /// Where the credentials came from, for `--debug` style messages.
    public var credentialSource: String

    public init(profile: String = "default", credentials: AWSCredentials, region: String, endpointURL: String,
                endpointIsCustom: Bool = true, credentialSource: String = "static") {
        self.profile = profile
        self.credentials = credentials
        self.region = region
        self.endpointURL = endpointURL
        self.endpointIsCustom = endpointIsCustom
        self.credentialSource = credentialSource
    }

    /// - Parameters:
    ///   - service: endpoint prefix (`ssm`, `cloudtrail`, `ssmmessages`); also names AWS_ENDPOINT_URL_<SERVICE>.
    ///   - environment: the process environment (injected for tests).
    public static func resolve(service: String, profile explicitProfile: String? = nil, region explicitRegion: String? = nil,
                               endpointURL explicitEndpoint: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AWSClientSettings {
        let files = try AWSSharedConfig(environment: environment)
        func env(_ k: String) -> String? { environment[k].flatMap { $0.isEmpty ? nil : $0 } }
        let profile = explicitProfile ?? env("AWS_PROFILE") ?? env("AWS_DEFAULT_PROFILE") ?? "default"
        let profileExists = files.hasProfile(profile)
        if (explicitProfile != nil || env("AWS_PROFILE") != nil), !profileExists {
            throw AWSConfigError.profileNotFound(profile, files: files.files)
        }

        let profileProvider = ProfileCredentialsProvider(profile: profile, files: files)
        let envProvider = EnvironmentCredentialsProvider(environment: environment)
        let chain: [any CredentialsProvider] = explicitProfile != nil
            ? [profileProvider]
            : (profileExists ? [envProvider, profileProvider] : [envProvider])
        var source = "none"
        var credentials: AWSCredentials? = nil
        for p in chain {
            if let c = try p.resolveCredentials() { credentials = c; source = p.sourceName; break }
        }
        guard let credentials else { throw AWSConfigError.noCredentials(profile, files: files.files) }

        let serviceKey = service.uppercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        var endpoint = explicitEndpoint ?? env("AWS_ENDPOINT_URL_\(serviceKey)") ?? env("AWS_ENDPOINT_URL")
        if endpoint == nil, env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") != "true" {
            endpoint = files.configSection(profile)?["\(service).endpoint_url"] ?? files.value("endpoint_url", profile: profile)
        }

        let region = explicitRegion ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION")
            ?? files.value("region", profile: profile) ?? (endpoint != nil ? "us-east-1" : nil)
        guard let region else { throw AWSConfigError.noRegion(profile, file: files.configPath) }

        if let e = endpoint {
            guard AWSURL(e) != nil else {
                throw AWSConfigError("endpoint URL '\(e)' is not an absolute http:// or https:// URL")
            }
        }
        let url = endpoint ?? "https://\(service).\(region).amazonaws.com"
        return AWSClientSettings(profile: profile, credentials: credentials, region: region,
                                 endpointURL: url.hasSuffix("/") ? String(url.dropLast()) : url,
                                 endpointIsCustom: endpoint != nil, credentialSource: source)
    }

    /// The same settings pointed at another service of the same endpoint (gangwayd serves them all
    /// on one URL; AWS has one host per service).
    public func forService(_ service: String) -> AWSClientSettings {
        guard !endpointIsCustom else { return self }
        var s = self
        s.endpointURL = "https://\(service).\(region).amazonaws.com"
        return s
    }
}
