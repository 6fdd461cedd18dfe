import ArgumentParser

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Run a local fleet in one process and open the console on it.")
    func run() async throws {
        throw ValidationError("'gangway demo' is not implemented yet")
    }
}
