import AWSCore
import Foundation

/// Where a provider's signing keys come from. `refresh` asks for a fresh copy (a token named an unknown kid: the
/// IdP may have rotated its keys).
public protocol JWKSSource: Sendable {
    func keys(refresh: Bool) async throws(OIDCValidationError) -> JSONWebKeySet
}

/// A JWKS file on disk, re-read when its modification time or size changes.
public actor FileJWKSSource: JWKSSource {
    public let path: String
    private var cached: (stamp: String, keys: JSONWebKeySet)?

    public init(path: String) { self.path = path }

    public func keys(refresh: Bool) async throws(OIDCValidationError) -> JSONWebKeySet {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        let stamp = "\((attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)/\(attrs?[.size] ?? 0)"
        if let cached, cached.stamp == stamp { return cached.keys }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OIDCValidationError(.keysUnavailable, "cannot read JWKS file \(path); check the oidc provider's jwks_file path and its permissions")
        }
        let keys = try JSONWebKeySet(json: data, source: path)
        cached = (stamp, keys)
        return keys
    }
}

/// A JWKS fetched over http(s) with AWSCore's libcurl client, cached for `ttl` seconds. A refresh (unknown kid) is
/// honoured at most once per `minRefreshInterval`, so tokens with made-up kids cannot make gangwayd hammer the IdP.
public actor HTTPJWKSSource: JWKSSource {
    public let url: String
    private let client: HTTPClient
    private let ttl: TimeInterval
    private let minRefreshInterval: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: (fetchedAt: Date, keys: JSONWebKeySet)?

    public init(url: String, client: HTTPClient, ttl: TimeInterval = 300, minRefreshInterval: TimeInterval = 30,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.url = url
        self.client = client
        self.ttl = ttl
        self.minRefreshInterval = minRefreshInterval
        self.now = now
    }

    public func keys(refresh: Bool) async throws(OIDCValidationError) -> JSONWebKeySet {
        let t = now()
        if let cached {
            let age = t.timeIntervalSince(cached.fetchedAt)
            if age < ttl && (!refresh || age < minRefreshInterval) { return cached.keys }
        }
        do {
            let keys = try await fetch()
            cached = (t, keys)
            return keys
        } catch {
            // A stale copy beats refusing everyone while the IdP is briefly unreachable.
            if let cached, !refresh || t.timeIntervalSince(cached.fetchedAt) < 24 * 3600 { return cached.keys }
            throw error
        }
    }

    private func fetch() async throws(OIDCValidationError) -> JSONWebKeySet {
        let response: HTTPResponse
        do {
            response = try await client.execute(HTTPRequest(method: "GET", url: url, headers: [("Accept", "application/json")],
                                                            timeout: .seconds(10)))
        } catch {
            throw OIDCValidationError(.keysUnavailable, "cannot fetch JWKS \(url): \(error)")
        }
        guard response.status == 200 else {
            throw OIDCValidationError(.keysUnavailable, "JWKS \(url) answered HTTP \(response.status)")
        }
        return try JSONWebKeySet(json: Data(response.body), source: url)
    }
}
