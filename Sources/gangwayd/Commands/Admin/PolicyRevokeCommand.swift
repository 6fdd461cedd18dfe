import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D revoke PRINCIPAL [--reason TEXT]`: disables every access key of a user (or agent)
/// at once; a running gangwayd ends the principal's live sessions on its next maintenance pass (≤ 1 s by default).
/// Give access back with a new key (`key create`).
struct PolicyRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Disable a principal's keys and end its live sessions.")
    @OptionGroup var options: AdminOptions
    @Argument(help: "User name (or agent instance id).") var principal: String
    @Option(help: "Why (kept with the revocation and shown to the ended sessions' users).") var reason: String = "revoked by an administrator"

    func run() async throws {
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            let keys = try await admin.policies.revoke(principal: principal, reason: reason, now: Date())
            print("revoked \(principal): \(keys) active key\(keys == 1 ? "" : "s") disabled; live sessions end on gangwayd's next maintenance pass (about a second)")
        }
    }
}
