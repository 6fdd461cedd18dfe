/// One place credentials can come from. Returns nil when the source has none, throws when it has
/// something broken (the user should hear about it rather than silently get other credentials).
public protocol CredentialsProvider: Sendable {
    func resolveCredentials() throws -> AWSCredentials?
    /// For messages: "environment", "profile 'dev' (~/.aws/credentials)".
    var sourceName: String { get }
}

/// Fixed credentials (tests, `gangway demo`).
public struct StaticCredentialsProvider: CredentialsProvider {
    public var credentials: AWSCredentials
    public init(_ credentials: AWSCredentials) { self.credentials = credentials }
    public func resolveCredentials() throws -> AWSCredentials? { credentials }
    public var sourceName: String { "static" }
}

/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (AWS_SECURITY_TOKEN accepted too).
public struct EnvironmentCredentialsProvider: CredentialsProvider {
    public var environment: [String: String]
    public init(environment: [String: String]) { self.environment = environment }

    public func resolveCredentials() throws -> AWSCredentials? {
        let id = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (id, secret) {
        case (nil, nil): return nil
        case (.some, nil): throw AWSConfigError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; export both (or neither, to use a profile)")
        case (nil, .some): throw AWSConfigError("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; export both (or neither, to use a profile)")
        case let (.some(i), .some(s)):
            let token = environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"]
            return AWSCredentials(accessKeyId: i, secretAccessKey: s, sessionToken: token.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    public var sourceName: String { "environment (AWS_ACCESS_KEY_ID)" }
}

/// Static keys of a named profile in the shared files: `aws_access_key_id`, `aws_secret_access_key`,
/// `aws_session_token`, credentials file first.
public struct ProfileCredentialsProvider: CredentialsProvider {
    public var profile: String
    public var files: AWSSharedConfig

    public init(profile: String, files: AWSSharedConfig) {
        self.profile = profile
        self.files = files
    }

    public func resolveCredentials() throws -> AWSCredentials? {
        guard files.hasProfile(profile) else { throw AWSConfigError.profileNotFound(profile, files: files.files) }
        for (section, path) in [(files.credentialsSection(profile), files.credentialsPath),
                                (files.configSection(profile), files.configPath)] {
            guard let section else { continue }
            let id = section["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
            let secret = section["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
            if id == nil, secret == nil { continue }
            guard let id else { throw AWSConfigError.incomplete(profile, file: path, missing: "aws_access_key_id") }
            guard let secret else { throw AWSConfigError.incomplete(profile, file: path, missing: "aws_secret_access_key") }
            let token = section["aws_session_token"] ?? section["aws_security_token"]
            return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token.flatMap { $0.isEmpty ? nil : $0 })
        }
        for key in ["role_arn", "sso_session", "sso_start_url", "credential_process", "web_identity_token_file"] {
            if files.configSection(profile)?[key] != nil { throw AWSConfigError.unsupported(profile, file: files.configPath, key: key) }
            if files.credentialsSection(profile)?[key] != nil { throw AWSConfigError.unsupported(profile, file: files.credentialsPath, key: key) }
        }
        return nil
    }

    public var sourceName: String { "profile '\(profile)' (\(files.credentialsPath), \(files.configPath))" }
}

/// Tries providers in order; the first that has credentials wins.
public struct CredentialsProviderChain: CredentialsProvider {
    public var providers: [any CredentialsProvider]
    public init(_ providers: [any CredentialsProvider]) { self.providers = providers }

    public func resolveCredentials() throws -> AWSCredentials? {
        for p in providers {
            if let c = try p.resolveCredentials() { return c }
        }
        return nil
    }

    public var sourceName: String { providers.map(\.sourceName).joined(separator: ", then ") }
}
