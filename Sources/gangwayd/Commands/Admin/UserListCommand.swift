import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D user list` — one JSON object per line.
struct UserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List operators and their access key ids.")
    @ParentCommand var options: AdminCommand

    func run() async throws {
        let store = try options.openStore()
        for user in try await store.users() {
            let keys = try await store.accessKeys(principal: user.name).map(\.accessKeyId)
            printJSON(["UserName": user.name, "CreateDate": ISO8601DateFormatter().string(from: user.createdAt),
                       "AccessKeyIds": keys])
        }
    }
}
