import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D role create NAME [--max-session-duration SECONDS]`: roles are what SSO users assume.
struct PolicyRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Roles (assumed through SSO); attach policies with `policy attach --role`.",
        subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a role.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Role name.") var name: String
        @Option(help: "Longest temporary credentials issued for the role, in seconds (900–43200).")
        var maxSessionDuration = 3600

        func run() async throws {
            let admin = try options.openPolicyAdministration()
            try await runPolicyAdmin {
                try await admin.createRole(name, maxSessionSeconds: maxSessionDuration)
                print("created role \(name)")
            }
        }
    }
}
