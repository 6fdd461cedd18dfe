import ArgumentParser

/// `gangway`: the operations console (no subcommand) and the scriptable CLI.
/// One file per subcommand under Commands/; this table is the only list of them.
@main
struct GangwayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gangway",
        abstract: "Reach a shell on any host or EKS node, browse the fleet, audit and replay sessions.",
        discussion: """
            With no subcommand, opens the operations console against the configured AWS profile \
            (or --endpoint-url for a self-hosted gangwayd).
            """,
        version: GangwayVersion.string,
        subcommands: [
            ConsoleCommand.self,
            DemoCommand.self,
            ConnectCommand.self,
            ListCommand.self,
            SessionsCommand.self,
            TerminateCommand.self,
            AuditCommand.self,
            ReplayCommand.self,
            LoginCommand.self,
            DebugCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )
}

enum GangwayVersion {
    static let string = "0.1.0"
}
