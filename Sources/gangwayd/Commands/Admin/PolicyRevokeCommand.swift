import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D revoke PRINCIPAL [--reason TEXT]`: disables every access key of a user (or agent,
/// or role) at once and records the revocation; a running gangwayd ends the principal's live sessions on its next
/// maintenance pass (≤ 1 s by default) and denies every request it makes — even with a key created later — until
/// `gangwayd admin reinstate PRINCIPAL`. The revocation is audited by the server.
struct PolicyRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Disable a principal's keys, end its live sessions and deny it until reinstated.")
    @OptionGroup var options: AdminOptions
    @Argument(help: "User name, role/NAME or agent instance id.") var principal: String
    @Option(help: "Why (kept with the revocation, shown to the ended sessions' users and in every denial).") var reason: String = "revoked by an administrator"

    func run() async throws {
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            let now = Date()
            let keys = try await admin.policies.revoke(principal: principal, reason: reason, now: now)
            try await admin.policies.recordAdminAction(AdminActionRecord(
                at: now, action: AdminActionRecord.revoke, principal: principal, actor: adminActor(), reason: reason))
            print("revoked \(principal): \(keys) active key\(keys == 1 ? "" : "s") disabled; live sessions end on gangwayd's next maintenance pass (about a second); every request is denied until `gangwayd admin reinstate \(principal)`")
        }
    }
}

/// Who runs `gangwayd admin` (for the audit log): `admin:<unix user>`.
func adminActor() -> String {
    let user = ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.userName
    return "admin:\(user.isEmpty ? "uid\(getuid())" : user)"
}
