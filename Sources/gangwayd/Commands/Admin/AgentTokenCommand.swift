import ArgumentParser
import ControlPlane

/// `gangwayd admin --data-dir D agent token [--uses N] [--ttl S]` — prints a `gwreg-…` registration token.
struct AgentTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token",
                                                    abstract: "Create an agent registration token for `gangway-agent --token`.")
    @ParentCommand var options: AdminCommand
    @Option(help: "How many agents may register with it.") var uses: Int = 1
    @Option(help: "Seconds until it expires.") var ttl: Double = 86_400

    func run() async throws {
        do {
            print(try await options.openStore().createAgentToken(uses: uses, ttl: ttl))
        } catch let e as StoreError {
            throw ValidationError(e.description)
        }
    }
}
