import AWSCore
import ArgumentParser
import ChannelIO
import Foundation
import HostAgent
import Logging

/// `gangway-agent`: dials out to gangwayd and runs PTY shells.
@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gangway-agent",
        abstract: "Dial out to gangwayd and serve shell sessions on this host (no inbound port).",
        version: AgentAPI.agentVersion)

    @Option(help: "gangwayd URL, e.g. http://127.0.0.1:8443") var server: String?
    @Option(help: "Registration token from `gangwayd admin agent token` (only needed the first time).") var token: String?
    @Option(help: "Directory for the agent's identity.") var stateDir: String?
    @Option(name: .customLong("label"), help: "A label k=v reported as a tag (repeatable).") var labels: [String] = []
    @Option(help: "User that shells run as (default: gangway-user when root, else yourself).") var runAs: String?
    @Option(help: "Shell program (default: the run-as user's login shell).") var shell: String?
    @Option(help: "Heartbeat period in seconds.") var heartbeat: Double?
    @Option(help: "Config file (key = \"value\" lines and a [labels] table).") var config: String?
    @Option(help: "Reported computer name instead of the host name.") var computerName: String?
    @Option(help: "CA certificate (PEM) to trust for an https/wss gangwayd.") var caFile: String?
    @Option(help: "TLS server name to send and verify instead of --server's host (e.g. when --server names an IP address the certificate does not list).") var sniHostname: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"

    func run() async throws {
        EventLoopConcurrency.install()  // before any task starts: see EventLoopConcurrency
        let file = try config.map { path -> AgentConfigFile in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read config file \(path)")
            }
            return try AgentConfigFile.parse(text)
        } ?? AgentConfigFile()
        guard let server = server ?? file.values["server"] else {
            throw ValidationError("--server is required (or `server = \"…\"` in --config)")
        }
        // A URL the agent could never reach is a mistake to report now, not to retry for ever.
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw ValidationError("--server must be an http:// or https:// URL with a host (e.g. https://gangwayd.example:8443), got '\(server)'")
        }
        guard let stateDir = stateDir ?? file.values["state_dir"] else {
            throw ValidationError("--state-dir is required (or `state_dir = \"…\"` in --config)")
        }
        var labelMap = file.labels
        for label in labels {
            let parts = label.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--label must be k=v, got '\(label)'") }
            labelMap[parts[0]] = parts[1]
        }
        let seconds = heartbeat ?? file.values["heartbeat"].flatMap(Double.init) ?? 30
        guard seconds > 0 else { throw ValidationError("--heartbeat must be positive") }
        let shellPath = shell ?? file.values["shell"]
        if let s = shellPath, !FileManager.default.isExecutableFile(atPath: s) {
            // Every session would fail to start; say so now, not once per session.
            throw ValidationError("\(shell != nil ? "--shell" : "shell") \(s) is not an executable file on this host")
        }
        let ca = caFile ?? file.values["ca_file"]
        if let ca {
            do { try CAFileCheck.validate(ca, option: caFile != nil ? "--ca-file" : "ca_file") } catch {
                throw ValidationError("\(error)")
            }
        }
        let sni = sniHostname ?? file.values["sni_hostname"]
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let agentConfig = HostAgentConfig(
            server: server, token: token ?? file.values["token"], stateDir: stateDir, labels: labelMap,
            runAs: runAs ?? file.values["run_as"], shell: shellPath,
            heartbeat: .milliseconds(Int64(seconds * 1000)), computerName: computerName ?? file.values["computer_name"],
            region: file.values["region"] ?? "us-east-1",
            tls: (ca != nil || sni != nil) ? ChannelTLS(caCertificatePath: ca, sniHostname: sni) : nil)
        let agent = HostAgentRuntime(agentConfig)
        let signals = await SignalWaiter.install([SIGINT, SIGTERM])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await agent.run() }
            group.addTask {
                await signals.wait()
                await agent.stop()
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }
}
