import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D key create NAME` — prints `{"AccessKeyId":…,"SecretAccessKey":…}`.
struct KeyCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create",
                                                    abstract: "Create an access key for a user and print it as JSON (the only time the secret is shown).")
    @ParentCommand var options: AdminCommand
    @Argument(help: "The user the key belongs to.") var name: String

    func run() async throws {
        do {
            // A revoked user stays revoked whatever keys it gets: refuse rather than hand out a key that only fails.
            let policies = try SQLitePolicyStore(dataDir: URL(fileURLWithPath: options.dataDir))
            if let revoked = try await policies.revocations()[name] {
                throw PolicyAdminError("\(name) was revoked at \(revoked.revokedAtText) (\(revoked.reason)); run `gangwayd admin --data-dir \(options.dataDir) reinstate \(name)` first, then create the key")
            }
            let key = try await options.openStore().createAccessKey(user: name)
            printJSON(["AccessKeyId": key.accessKeyId, "SecretAccessKey": key.secretAccessKey])
        } catch let e as StoreError {
            throw ValidationError(e.description)
        }
    }
}
