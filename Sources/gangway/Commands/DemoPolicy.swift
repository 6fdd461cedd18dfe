import AccessPolicy
import ControlPlane
import Foundation

/// The demo's operator may do everything: attach the built-in AdministratorAccess policy (gangwayd denies by default).
enum DemoPolicy {
    static func grantAdministrator(to user: String, server: ControlPlaneServer) async throws {
        let admin = PolicyAdministration(policies: try SQLitePolicyStore(dataDir: server.config.dataDir), core: server.store)
        try await admin.attach(policy: "AdministratorAccess", to: PrincipalID(.user, user))
    }
}
