import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D key list NAME` — access key ids (never secrets).
struct KeyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a principal's access key ids.")
    @ParentCommand var options: AdminCommand
    @Argument(help: "User name or agent instance id.") var name: String

    func run() async throws {
        for key in try await options.openStore().accessKeys(principal: name) {
            printJSON(["AccessKeyId": key.accessKeyId, "Status": key.active ? "Active" : "Inactive",
                       "CreateDate": ISO8601DateFormatter().string(from: key.createdAt)])
        }
    }
}
