import ArgumentParser

/// `gangway audit`: work with gangwayd's tamper-evident audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify and look up audit events.",
        subcommands: [AuditVerifyCommand.self, AuditLookupCommand.self])
}
