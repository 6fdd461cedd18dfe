import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the control plane.")
    func run() async throws { throw ValidationError("not implemented yet") }
}
