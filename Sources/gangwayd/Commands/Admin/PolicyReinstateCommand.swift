import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D reinstate PRINCIPAL`: ends a revocation. The principal is judged by its policies
/// again; its old keys stay disabled, so give it a new one with `key create`. Audited by the server as
/// `ReinstatePrincipal`.
struct PolicyReinstateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reinstate", abstract: "End a principal's revocation (it then needs a new key).")
    @OptionGroup var options: AdminOptions
    @Argument(help: "The revoked user name, role/NAME or agent instance id.") var principal: String

    func run() async throws {
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            let ended = try await admin.policies.reinstate(principal: principal, actor: adminActor(), now: Date())
            let next = principal.hasPrefix("mi-")
                ? "its old key stays disabled: give the host a new identity (delete identity.json from the agent's state directory and start it with a new `gangwayd admin agent token`)"
                : "its old keys stay disabled: create one with `gangwayd admin key create \(principal)`"
            print("reinstated \(principal) (revoked at \(ended.revokedAtText): \(ended.reason)); \(next)")
        }
    }
}
