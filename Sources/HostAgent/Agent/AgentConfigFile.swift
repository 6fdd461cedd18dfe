/// The agent's config file: a TOML subset (`key = "value"` or `key = number` lines, `#` comments, a `[labels]`
/// table). Keys: server, token, state_dir, run_as, shell, heartbeat, region, ca_file, sni_hostname,
/// computer_name. Flags given on the command line win over the file.
public struct AgentConfigFile: Sendable, Equatable {
    public var values: [String: String] = [:]
    public var labels: [String: String] = [:]

    public static let knownKeys: Set<String> = ["server", "token", "state_dir", "run_as", "shell", "heartbeat", "region",
                                                "ca_file", "sni_hostname", "computer_name"]

    public init() {}

    public static func parse(_ text: String) throws -> AgentConfigFile {
        var file = AgentConfigFile()
        var table = ""
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw HostAgentError.invalidConfig("line \(number + 1): unterminated table header") }
                table = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                guard table == "labels" else { throw HostAgentError.invalidConfig("line \(number + 1): unknown table [\(table)]; only [labels] exists") }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw HostAgentError.invalidConfig("line \(number + 1): expected key = value")
            }
            var key = line[..<eq].trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { key = String(key.dropFirst().dropLast()) }
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else {
                    throw HostAgentError.invalidConfig("line \(number + 1): unterminated string")
                }
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                    .replacingOccurrences(of: "\\\\", with: "\\")
            }
            if table == "labels" {
                file.labels[key] = value
            } else {
                guard knownKeys.contains(key) else {
                    throw HostAgentError.invalidConfig("line \(number + 1): unknown key '\(key)'; known: \(knownKeys.sorted().joined(separator: ", "))")
                }
                file.values[key] = value
            }
        }
        return file
    }

    static func stripComment(_ line: String) -> String {
        var inString = false
        var out = ""
        for c in line {
            if c == "\"" { inString.toggle() }
            if c == "#" && !inString { break }
            out.append(c)
        }
        return out
    }
}

import Foundation
