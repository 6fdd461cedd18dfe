import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        // Plain read(2) until the end, not FileManager.contents(atPath:) or FileHandle.readToEnd(), which fail on
        // /dev/null (AWS_CONFIG_FILE=/dev/null is how people ask for no config file; the AWS CLI accepts it).
        guard let data = readWholeFile(path) else {
            throw AWSConfigError("cannot read \(path): check its permissions")
        }
        return try INIFile(parsing: String(decoding: data, as: UTF8.self), file: path)
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { return data }
            data += chunk[..<n]
        }
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
