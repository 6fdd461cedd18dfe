import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir DIR <user|key|agent> …`: works directly on the data directory's database.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer users, access keys and agent registration tokens.",
        subcommands: [UserGroup.self, KeyGroup.self, AgentGroup.self,
                      PolicyCommand.self, PolicyGroupCommand.self, PolicyRoleCommand.self, PolicyRevokeCommand.self, OIDCProviderCommand.self,
                      PolicyReinstateCommand.self])

    @Option(help: "The gangwayd data directory (the one given to `gangwayd serve --data-dir`).")
    var dataDir: String
}

extension AdminCommand {
    func openStore() throws -> SQLiteStore {
        try SQLiteStore(dataDir: URL(fileURLWithPath: dataDir))
    }
}

/// For subcommands that take `@OptionGroup var options: AdminOptions`: the `--data-dir` given to `admin`.
struct AdminOptions: ParsableArguments {
    @ParentCommand var admin: AdminCommand
    var dataDir: String { admin.dataDir }
    func openStore() throws -> SQLiteStore { try admin.openStore() }
}

struct UserGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Operator accounts.",
                                                    subcommands: [UserCreateCommand.self, UserListCommand.self])
}

struct KeyGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Access keys (SigV4 credentials).",
                                                    subcommands: [KeyCreateCommand.self, KeyListCommand.self])
}

/// `agent token` is the only agent subcommand today; `gangwayd admin agent token` runs it.
struct AgentGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agent", abstract: "Agent registration.",
                                                    subcommands: [AgentTokenCommand.self, AgentListCommand.self])
}

/// Prints a value as one line of JSON with sorted keys.
func printJSON(_ object: Any) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
        print(String(decoding: data, as: UTF8.self))
    }
}
