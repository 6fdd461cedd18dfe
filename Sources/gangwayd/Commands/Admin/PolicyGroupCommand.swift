import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D group create NAME | add-user GROUP USER | remove-user GROUP USER`
struct PolicyGroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Groups of users; policies attached to a group apply to its members.",
        subcommands: [Create.self, AddUser.self, RemoveUser.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a group.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Group name.") var name: String

        func run() async throws {
            let admin = try options.openPolicyAdministration()
            try await runPolicyAdmin {
                try await admin.createGroup(name)
                print("created group \(name)")
            }
        }
    }

    struct AddUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-user", abstract: "Add a user to a group.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Group name.") var group: String
        @Argument(help: "User name.") var user: String

        func run() async throws {
            let admin = try options.openPolicyAdministration()
            try await runPolicyAdmin {
                try await admin.addUser(user, toGroup: group)
                print("added \(user) to group \(group)")
            }
        }
    }

    struct RemoveUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-user", abstract: "Remove a user from a group.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Group name.") var group: String
        @Argument(help: "User name.") var user: String

        func run() async throws {
            let admin = try options.openPolicyAdministration()
            try await runPolicyAdmin {
                try await admin.removeUser(user, fromGroup: group)
                print("removed \(user) from group \(group)")
            }
        }
    }
}
