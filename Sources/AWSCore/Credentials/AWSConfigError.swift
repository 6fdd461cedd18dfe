/// A problem with the user's AWS configuration, phrased so they can fix it.
public struct AWSConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func profileNotFound(_ profile: String, files: [String]) -> AWSConfigError {
        AWSConfigError("profile '\(profile)' not found in \(files.joined(separator: " or ")); add a [\(profile)] section to the credentials file (or [profile \(profile)] to the config file), or pick another with --profile / AWS_PROFILE")
    }

    static func noCredentials(_ profile: String, files: [String]) -> AWSConfigError {
        AWSConfigError("no credentials for profile '\(profile)': set aws_access_key_id and aws_secret_access_key in \(files.joined(separator: " or ")), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    }

    static func incomplete(_ profile: String, file: String, missing: String) -> AWSConfigError {
        AWSConfigError("profile '\(profile)' in \(file) has no \(missing); add '\(missing) = …' to it")
    }

    static func unsupported(_ profile: String, file: String, key: String) -> AWSConfigError {
        AWSConfigError("profile '\(profile)' in \(file) uses '\(key)', which gangway does not support yet; use a profile with static keys, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN (e.g. from `aws configure export-credentials --format env`)")
    }

    static func noRegion(_ profile: String, file: String) -> AWSConfigError {
        AWSConfigError("no region configured: pass --region, set AWS_REGION, or add 'region = …' to profile '\(profile)' in \(file)")
    }
}
