import Foundation

/// `~/.aws/credentials` and `~/.aws/config` (or the files named by AWS_SHARED_CREDENTIALS_FILE /
/// AWS_CONFIG_FILE), loaded once. A missing file is the same as an empty one.
public struct AWSSharedConfig: Sendable {
    public var credentialsPath: String
    public var configPath: String
    public var credentials: INIFile
    public var config: INIFile

    /// Reads both files. `environment` supplies HOME and the override variables.
    public init(environment: [String: String]) throws {
        let home = environment["HOME"] ?? NSHomeDirectory()
        credentialsPath = Self.expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", home: home)
        configPath = Self.expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config", home: home)
        credentials = try Self.load(credentialsPath)
        config = try Self.load(configPath)
    }

    public init(credentialsPath: String, credentials: INIFile, configPath: String, config: INIFile) {
        self.credentialsPath = credentialsPath
        self.credentials = credentials
        self.configPath = configPath
        self.config = config
    }

    static func expand(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst() }
        return path
    }

    static func load(_ path: String) throws -> INIFile {
        guard FileManager.default.fileExists(atPath: path) else { return INIFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AWSConfigError("cannot read \(path): check its permissions")
        }
        return try INIFile(parsing: String(decoding: data, as: UTF8.self), file: path)
    }

    /// The profile's keys from the credentials file (`[name]`).
    public func credentialsSection(_ profile: String) -> [String: String]? { credentials[profile] }

    /// The profile's keys from the config file (`[default]` or `[profile name]`; `[name]` is accepted too).
    public func configSection(_ profile: String) -> [String: String]? {
        if profile == "default" { return config["default"] ?? config["profile default"] }
        return config["profile \(profile)"] ?? config[profile]
    }

    public func hasProfile(_ profile: String) -> Bool {
        credentialsSection(profile) != nil || configSection(profile) != nil
    }

    /// A setting for the profile, credentials file first, then config file.
    public func value(_ key: String, profile: String) -> String? {
        if let v = credentialsSection(profile)?[key], !v.isEmpty { return v }
        if let v = configSection(profile)?[key], !v.isEmpty { return v }
        return nil
    }

    public var files: [String] { [credentialsPath, configPath] }
}
