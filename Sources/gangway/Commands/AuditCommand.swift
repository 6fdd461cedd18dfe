import ArgumentParser

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Look up and verify audit events.", subcommands: [])
    func run() async throws {
        throw ValidationError("'gangway audit' is not implemented yet")
    }
}
