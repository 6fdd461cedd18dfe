import ArgumentParser

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Replay a recorded session.")
    func run() async throws {
        throw ValidationError("'gangway replay' is not implemented yet")
    }
}
