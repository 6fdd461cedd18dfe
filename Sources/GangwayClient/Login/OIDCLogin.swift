import AWSCore
import Foundation

/// What `gangway login --oidc` did.
public struct OIDCLoginResult: Sendable, Equatable {
    public var profile: String
    public var credentialsPath: String
    public var accessKeyId: String
    public var expiration: Date
    /// Who signed in (ID token's email / preferred_username / sub), when known.
    public var user: String?
    public var assumedRoleArn: String?
}

/// Progress of a whole login, for the command's messages (all on stderr).
public enum OIDCLoginProgress: Sendable, Equatable {
    case device(DeviceLoginProgress)
    /// Signed in at the IdP; asking STS for credentials.
    case assumingRole(roleArn: String, endpoint: String)
}

/// `gangway login --oidc`: device login at the IdP → STS AssumeRoleWithWebIdentity → credentials file profile.
public struct OIDCLogin: Sendable {
    public var http: HTTPClient
    public var clock: any LoginClock

    public init(http: HTTPClient = HTTPClient(), clock: any LoginClock = SystemLoginClock()) {
        self.http = http
        self.clock = clock
    }

    /// Runs the login and stores the credentials. Nothing is written unless every step succeeded.
    public func run(_ settings: OIDCLoginSettings,
                    progress: @escaping @Sendable (OIDCLoginProgress) -> Void = { _ in }) async throws -> OIDCLoginResult {
        let device = DeviceLoginClient(http: http, clock: clock)
        let tokens = try await device.login(
            .init(issuer: settings.issuer, clientId: settings.clientId, extraScopes: settings.extraScopes),
            progress: { progress(.device($0)) })
        progress(.assumingRole(roleArn: settings.roleArn, endpoint: settings.stsEndpoint))
        let sts = STSClient(endpointURL: settings.stsEndpoint, http: http)
        let out = try await sts.assumeRoleWithWebIdentity(AssumeRoleWithWebIdentityInput(
            roleArn: settings.roleArn,
            roleSessionName: settings.sessionName ?? OIDCLoginSettings.sessionName(for: tokens, now: clock.now),
            webIdentityToken: tokens.idToken, durationSeconds: settings.durationSeconds))
        try Task.checkCancellation()
        try CredentialsFileWriter.write(path: settings.credentialsPath, profile: settings.profile,
                                        credentials: out.credentials, expiration: out.expiration)
        return OIDCLoginResult(profile: settings.profile, credentialsPath: settings.credentialsPath,
                               accessKeyId: out.credentials.accessKeyId, expiration: out.expiration,
                               user: tokens.subjectName ?? out.subjectFromWebIdentityToken,
                               assumedRoleArn: out.assumedRoleArn)
    }
}
