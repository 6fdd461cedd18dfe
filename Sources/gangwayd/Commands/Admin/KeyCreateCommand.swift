import ArgumentParser
import ControlPlane

/// `gangwayd admin --data-dir D key create NAME` — prints `{"AccessKeyId":…,"SecretAccessKey":…}`.
struct KeyCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create",
                                                    abstract: "Create an access key for a user and print it as JSON (the only time the secret is shown).")
    @ParentCommand var options: AdminCommand
    @Argument(help: "The user the key belongs to.") var name: String

    func run() async throws {
        do {
            let key = try await options.openStore().createAccessKey(user: name)
            printJSON(["AccessKeyId": key.accessKeyId, "SecretAccessKey": key.secretAccessKey])
        } catch let e as StoreError {
            throw ValidationError(e.description)
        }
    }
}
