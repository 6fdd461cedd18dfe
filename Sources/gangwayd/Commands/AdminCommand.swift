import ArgumentParser

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admin", abstract: "Administer users, keys, agents and policies.")
    func run() async throws { throw ValidationError("not implemented yet") }
}
