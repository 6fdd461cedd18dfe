import AWSCore
import Foundation

/// Verifies ID tokens against the configured providers: picks the provider by the token's `iss`, gets its keys
/// (refreshing once when the token names an unknown kid), and runs `OIDCTokenValidator`.
///
/// Providers come from a loader called on every verification (gangwayd reads them from its database, so
/// `gangwayd admin oidc add` applies without a restart); JWKS sources, and so their caches, are kept per location.
public actor OIDCIdentityVerifier {
    private let load: @Sendable () async throws -> [OIDCProviderConfig]
    private let http: HTTPClient
    private let now: @Sendable () -> Date
    private var sources: [String: any JWKSSource] = [:]

    public init(load: @escaping @Sendable () async throws -> [OIDCProviderConfig], http: HTTPClient = HTTPClient(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.load = load
        self.http = http
        self.now = now
    }

    /// A fixed list of providers.
    public init(providers: [OIDCProviderConfig], http: HTTPClient = HTTPClient(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(load: { providers }, http: http, now: now)
    }

    public func verify(_ text: String, now time: Date) async throws(OIDCValidationError) -> VerifiedIDToken {
        let token = try JSONWebToken(parsing: text)
        guard let iss = token.issuer else { throw OIDCValidationError(.missingClaim, "the token has no iss claim") }
        let providers: [OIDCProviderConfig]
        do { providers = try await load() } catch {
            throw OIDCValidationError(.keysUnavailable, "cannot read the OIDC provider configuration: \(error)")
        }
        guard let provider = providers.first(where: { $0.issuer == iss }) else {
            throw OIDCValidationError(.unknownIssuer, providers.isEmpty
                ? "gangwayd has no OIDC provider configured; add one with `gangwayd admin oidc add NAME --issuer \(iss) --audience CLIENT_ID --jwks-url URL`"
                : "issuer \(iss) is not a configured OIDC provider (configured: \(providers.map(\.issuer).sorted().joined(separator: ", ")))")
        }
        let validator = OIDCTokenValidator(issuer: provider.issuer, audiences: Set(provider.audiences), leeway: provider.leeway)
        let source = self.source(for: provider)
        let keys = try await source.keys(refresh: false)
        do {
            return try validator.validate(token, keys: keys, now: time)
        } catch where error.kind == .unknownKey {
            let fresh = try await source.keys(refresh: true)
            return try validator.validate(token, keys: fresh, now: time)
        }
    }

    private func source(for p: OIDCProviderConfig) -> any JWKSSource {
        let key = p.jwksFile.map { "file:" + $0 } ?? "url:" + (p.jwksURL ?? "")
        if let s = sources[key] { return s }
        let s: any JWKSSource = p.jwksFile.map { FileJWKSSource(path: $0) }
            ?? HTTPJWKSSource(url: p.jwksURL ?? "", client: http, now: now)
        if sources.count > 64 { sources.removeAll() }
        sources[key] = s
        return s
    }
}
