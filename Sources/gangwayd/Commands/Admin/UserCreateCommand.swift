import ArgumentParser
import ControlPlane

/// `gangwayd admin --data-dir D user create NAME`
struct UserCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an operator.")
    @ParentCommand var options: AdminCommand
    @Argument(help: "User name (letters, digits, _ . @ -); session ids start with it.") var name: String

    func run() async throws {
        do {
            let user = try await options.openStore().createUser(name)
            print("created user \(user.name); give it a key with: gangwayd admin --data-dir \(options.dataDir) key create \(user.name)")
        } catch let e as StoreError {
            throw ValidationError(e.description)
        }
    }
}
