import ArgumentParser

/// `gangwayd`: the self-hosted, SSM-compatible control plane.
@main
struct GangwaydCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gangwayd",
        abstract: "Gangway control plane: SSM-compatible API, agent registry, policy, relay, audit, recordings.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, AdminCommand.self]
    )
}
