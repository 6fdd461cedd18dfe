import ArgumentParser

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "connect", abstract: "Open an interactive shell on a target.")
    func run() async throws {
        throw ValidationError("'gangway connect' is not implemented yet")
    }
}
