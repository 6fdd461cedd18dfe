import ArgumentParser

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sessions", abstract: "List sessions.")
    func run() async throws {
        throw ValidationError("'gangway sessions' is not implemented yet")
    }
}
