import ArgumentParser

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List managed instances.")
    func run() async throws {
        throw ValidationError("'gangway ls' is not implemented yet")
    }
}
