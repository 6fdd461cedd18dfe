import Foundation

/// A tiny reader for gangwayd's config file: `key = value` lines, `#` comments, optional `[section]` headers
/// (keys become `section.key`), values optionally quoted. Enough TOML for flat settings.
public struct ConfigFile: Sendable, Equatable {
    public private(set) var values: [String: String] = [:]

    public init(text: String) throws {
        var section = ""
        var lineOf: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine)
            if let hash = Self.commentStart(line) { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                section = String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw ControlPlaneConfigError("config line \(index + 1): expected `key = value`, got `\(trimmed)`")
            }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let f = value.first, f == "\"" || f == "'" {
                guard value.count >= 2, value.last == f else {
                    throw ControlPlaneConfigError("config line \(index + 1): unterminated string in `\(trimmed)`")
                }
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty else { throw ControlPlaneConfigError("config line \(index + 1): empty key") }
            let name = section.isEmpty ? key : "\(section).\(key)"
            if let first = lineOf[name] {
                throw ControlPlaneConfigError("config line \(index + 1): `\(name)` is already set on line \(first)")
            }
            lineOf[name] = index + 1
            values[name] = value
        }
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ControlPlaneConfigError("cannot read config file \(path): check the path and its permissions")
        }
        try self.init(text: String(decoding: data, as: UTF8.self))
    }

    public subscript(key: String) -> String? { values[key] }

    /// `#` outside quotes starts a comment.
    private static func commentStart(_ line: Substring) -> Substring.Index? {
        var quote: Character?
        for i in line.indices {
            let c = line[i]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == "#" { return i }
        }
        return nil
    }

    /// Applies the keys gangwayd knows to `config`; unknown keys are an error naming the key.
    public func apply(to config: inout ControlPlaneConfig) throws {
        let known: Set<String> = ["listen", "data_dir", "data-dir", "tls_cert", "tls-cert", "tls_key", "tls-key",
                                  "connection_lost_after", "connection-lost-after", "idle_timeout", "idle-timeout",
                                  "max_session_duration", "max-session-duration", "public_url", "public-url",
                                  "policy_grace", "policy-grace",
                                  "client_ack_budget", "client-ack-budget", "slow_client_cutoff", "slow-client-cutoff",
                                  "agent_join_timeout", "agent-join-timeout",
                                  "agent_resume_window", "agent-resume-window",
                                  "client_join_timeout", "client-join-timeout", "handshake_timeout", "handshake-timeout",
                                  "http_idle_timeout", "http-idle-timeout", "websocket_ping", "websocket-ping",
                                  "record_sessions", "record-sessions", "single_event_loop", "single-event-loop"]
        let s3 = values.filter { $0.key.hasPrefix("s3.") }
        if !s3.isEmpty {  // the [s3] section: Shipping/S3ShippingConfig
            config.s3 = try S3ShippingConfig.parse(Dictionary(uniqueKeysWithValues: s3.map { (String($0.key.dropFirst(3)), $0.value) }))
        }
        for (key, value) in values where !key.hasPrefix("s3.") {
            let k = key.hasPrefix("server.") ? String(key.dropFirst(7)) : key
            guard known.contains(k) else {
                throw ControlPlaneConfigError("unknown config key `\(key)`; known keys: \(known.filter { $0.contains("_") || $0 == "listen" }.sorted().joined(separator: ", "))")
            }
            func number(_ v: String) throws -> Double {
                guard let d = Double(v) else { throw ControlPlaneConfigError("config key `\(key)` needs a number, got `\(v)`") }
                return d
            }
            func flag(_ v: String) throws -> Bool {
                guard let on = ["true": true, "on": true, "false": false, "off": false][v.lowercased()] else {
                    throw ControlPlaneConfigError("config key `\(key)` needs true or false, got `\(v)`")
                }
                return on
            }
            switch k.replacingOccurrences(of: "-", with: "_") {
            case "listen":
                let (h, p) = try ListenAddress.parse(value)
                config.host = h
                config.port = p
            case "data_dir": config.dataDir = URL(fileURLWithPath: value)
            case "tls_cert": config.tlsCertificatePath = value
            case "tls_key": config.tlsKeyPath = value
            case "connection_lost_after": config.connectionLostAfter = try number(value)
            case "idle_timeout": config.idleTimeoutMinutes = Int(try number(value))
            case "max_session_duration": config.maxSessionDurationMinutes = Int(try number(value))
            case "public_url": config.publicURL = value
            case "policy_grace": config.policyGraceSeconds = try number(value)
            case "client_ack_budget": config.clientAckBudgetBytes = Int(try number(value))
            case "slow_client_cutoff": config.slowClientCutoffSeconds = try number(value)
            case "agent_join_timeout": config.agentJoinTimeoutSeconds = try number(value)
            case "agent_resume_window": config.agentResumeWindowSeconds = try number(value)
            case "client_join_timeout": config.clientJoinTimeoutSeconds = try number(value)
            case "handshake_timeout": config.handshakeTimeoutSeconds = try number(value)
            case "http_idle_timeout": config.httpIdleTimeoutSeconds = try number(value)
            case "websocket_ping": config.webSocketPingSeconds = try number(value)
            case "record_sessions": config.recordSessions = try flag(value)
            case "single_event_loop": config.singleEventLoop = try flag(value)
            default: break
            }
        }
    }
}

/// `HOST:PORT` parsing for `--listen`.
public enum ListenAddress {
    public static func parse(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ControlPlaneConfigError("--listen needs HOST:PORT (e.g. 127.0.0.1:8443, port 0 for any free port), got `\(text)`")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        return (host, port)
    }
}
