import ArgumentParser

struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "console", abstract: "Open the operations console (the default).")
    func run() async throws {
        throw ValidationError("'gangway console' is not implemented yet")
    }
}
