import AccessPolicy
import ArgumentParser
import ControlPlane
import Foundation

extension AdminOptions {
    /// Policy administration on the data directory's database.
    func openPolicyAdministration() throws -> PolicyAdministration {
        do {
            let core = try openStore()
            let policies = try SQLitePolicyStore(dataDir: URL(fileURLWithPath: dataDir))
            return PolicyAdministration(policies: policies, core: core)
        } catch let e as StoreError {
            throw PolicyAdminError(e.description)
        }
    }
}

/// An admin failure: ArgumentParser prints `Error: <message>` and exits 1 (no usage text, unlike ValidationError).
struct PolicyAdminError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--user NAME | --group NAME | --role NAME`: exactly one principal.
struct PolicyPrincipalOptions: ParsableArguments {
    @Option(help: "A user name.") var user: String?
    @Option(help: "A group name.") var group: String?
    @Option(help: "A role name.") var role: String?

    func principal() throws -> PrincipalID {
        let given = [user.map(PrincipalID.user), group.map(PrincipalID.group), role.map(PrincipalID.role)].compactMap { $0 }
        guard given.count == 1, let p = given.first else {
            throw ValidationError("give exactly one of --user NAME, --group NAME or --role NAME")
        }
        return p
    }
}

/// Runs an admin action, turning store errors into messages ArgumentParser prints (exit code 64).
func runPolicyAdmin(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as StoreError {
        throw PolicyAdminError(e.description)
    }
}

/// `--at` values: ISO 8601 (`2026-03-30T08:00:00Z`, `2026-03-30T10:00:00+02:00`), epoch seconds, or `now`.
func parsePolicyTime(_ text: String?) throws -> Date {
    guard let text, text != "now" else { return Date() }
    guard let d = PolicyDate.parse(text) else {
        throw ValidationError("--at `\(text)` is not a time; use ISO 8601 such as 2026-03-30T08:00:00Z or 2026-03-30T10:00:00+02:00")
    }
    return d
}
