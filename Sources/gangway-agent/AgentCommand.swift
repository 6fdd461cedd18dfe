import ArgumentParser

/// `gangway-agent`: dials out to gangwayd and runs PTY shells.
@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gangway-agent",
        abstract: "Dial out to gangwayd and serve shell sessions on this host (no inbound port).",
        version: "0.1.0")
    func run() async throws { throw ValidationError("not implemented yet") }
}
