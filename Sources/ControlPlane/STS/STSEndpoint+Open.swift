import Foundation

extension STSEndpoint {
    /// The STS endpoint on `services.config.dataDir`'s database: OIDC providers and temporary credentials
    /// (`SQLiteTemporaryCredentialStore`), roles and revocations (`SQLitePolicyStore`), the server clock.
    static func open(services: ControlPlaneServices) throws -> STSEndpoint {
        let credentials = try SQLiteTemporaryCredentialStore(dataDir: services.config.dataDir)
        let policies = try SQLitePolicyStore(dataDir: services.config.dataDir)
        let clock = services.clock
        let verifier = OIDCIdentityVerifier(load: { try await credentials.providers() }, now: { clock.now() })
        return STSEndpoint(services: services,
                           federation: WebIdentityFederation(verifier: verifier, policies: policies, credentials: credentials),
                           authenticator: RequestAuthenticator(store: services.store, temporaryCredentials: credentials))
    }
}
