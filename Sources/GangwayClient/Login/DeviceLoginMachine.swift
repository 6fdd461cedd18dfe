import AWSCore
import Foundation

/// OAuth 2.0 device authorization grant (RFC 8628) against an OpenID Connect IdP, as an I/O-free state machine:
/// feed it events with the current time, carry out the actions it returns.
///
/// discovery (`ISSUER/.well-known/openid-configuration`) → device authorization request (`client_id`, `scope`)
/// → show the code → poll the token endpoint every `interval` s (`authorization_pending`: again; `slow_down`:
/// interval + 5 s; `access_denied`, `expired_token`: fail) until the code's `expires_in` → the `id_token`.
///
/// ```swift
/// var m = DeviceLoginMachine(.init(issuer: "https://idp", clientId: "gangway"))
/// var actions = m.handle(.start, now: clock.now)
/// // .send(request) → execute it, then m.handle(.response(r), now:) or m.handle(.transportFailed(why), now:)
/// // .wait(until:)  → sleep, then m.handle(.timerFired, now:)
/// ```
public struct DeviceLoginMachine: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var issuer: String
        public var clientId: String
        /// Scopes besides `openid` (always sent first).
        public var extraScopes: [String]
        /// Failed polls in a row (no answer, 5xx) tolerated before giving up.
        public var maxPollFailures: Int

        public init(issuer: String, clientId: String, extraScopes: [String] = [], maxPollFailures: Int = 3) {
            self.issuer = issuer
            self.clientId = clientId
            self.extraScopes = extraScopes
            self.maxPollFailures = maxPollFailures
        }

        var scope: String { (["openid"] + extraScopes.filter { $0 != "openid" }).joined(separator: " ") }
        var discoveryURL: String {
            (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
        }
    }

    public enum Event: Sendable {
        case start
        /// The answer to the last `.send`.
        case response(HTTPResponse)
        /// The last `.send` got no HTTP answer (connection refused, timeout, TLS): the reason.
        case transportFailed(String)
        /// The last `.wait` is over.
        case timerFired
    }

    public enum Action: Sendable {
        case send(HTTPRequest)
        /// Show the user where to go and which code to enter (once).
        case show(DevicePrompt)
        /// Poll again at this time (the interval after `slow_down` is `pollInterval`).
        case wait(until: Date)
        case finish(OIDCTokens)
        case fail(LoginError)
    }

    struct Polling: Sendable {
        var endpoints: OIDCEndpoints
        var deviceCode: String
        var interval: Int
        var deadline: Date
        var failures: Int
    }

    enum State: Sendable {
        case idle, discovering, authorizing(OIDCEndpoints), waiting(Polling), polling(Polling), done
    }

    public let configuration: Configuration
    private(set) var state: State = .idle

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Seconds between polls now (RFC 8628 default 5, +5 after each `slow_down`); nil before the code is issued.
    public var pollInterval: Int? {
        switch state {
        case .waiting(let p), .polling(let p): return p.interval
        default: return nil
        }
    }

    public var isFinished: Bool { if case .done = state { return true }; return false }

    public mutating func handle(_ event: Event, now: Date) -> [Action] {
        switch (state, event) {
        case (.idle, .start):
            state = .discovering
            return [.send(HTTPRequest(method: "GET", url: configuration.discoveryURL, headers: [("Accept", "application/json")]))]

        case (.discovering, .response(let r)):
            return discovered(r)
        case (.discovering, .transportFailed(let why)):
            return fail("cannot reach the identity provider at \(configuration.discoveryURL): \(why) (check --issuer)")

        case (.authorizing(let endpoints), .response(let r)):
            return authorized(r, endpoints: endpoints, now: now)
        case (.authorizing(let endpoints), .transportFailed(let why)):
            return fail("cannot reach the device authorization endpoint \(endpoints.deviceAuthorizationEndpoint): \(why)")

        case (.waiting(let p), .timerFired):
            if now >= p.deadline { return expired() }
            state = .polling(p)
            return [.send(tokenRequest(p))]

        case (.polling(let p), .response(let r)):
            return polled(r, p, now: now)
        case (.polling(let p), .transportFailed(let why)):
            return retry(p, now: now, reason: "cannot reach the token endpoint \(p.endpoints.tokenEndpoint): \(why)")

        case (.done, _):
            return []
        default:
            return fail("internal error: device login got \(event) in state \(state)")
        }
    }

    // MARK: - Steps

    private mutating func discovered(_ r: HTTPResponse) -> [Action] {
        let url = configuration.discoveryURL
        guard r.status == 200 else {
            return fail("the identity provider answered HTTP \(r.status) for \(url) (is --issuer the issuer URL, without /.well-known/…?)")
        }
        guard let doc = LooseJSON.object(r.body) else {
            return fail("\(url) is not an OpenID discovery document (not a JSON object); check --issuer")
        }
        guard let device = LooseJSON.string(doc, "device_authorization_endpoint") else {
            return fail("the identity provider at \(configuration.issuer) does not offer the device authorization grant (no device_authorization_endpoint in \(url)); enable the device code flow for the client")
        }
        guard let token = LooseJSON.string(doc, "token_endpoint") else {
            return fail("\(url) has no token_endpoint; check --issuer")
        }
        let endpoints = OIDCEndpoints(issuer: LooseJSON.string(doc, "issuer") ?? configuration.issuer,
                                      deviceAuthorizationEndpoint: device, tokenEndpoint: token)
        state = .authorizing(endpoints)
        return [.send(Self.formPost(device, [("client_id", configuration.clientId), ("scope", configuration.scope)]))]
    }

    private mutating func authorized(_ r: HTTPResponse, endpoints: OIDCEndpoints, now: Date) -> [Action] {
        let o = LooseJSON.object(r.body) ?? [:]
        guard r.status == 200 else {
            return fail("the identity provider refused the device authorization request: \(Self.oauthError(r, o)) (check --client-id and that this client may use the device code grant)")
        }
        guard let deviceCode = LooseJSON.string(o, "device_code"), let userCode = LooseJSON.string(o, "user_code"),
              let uri = LooseJSON.string(o, "verification_uri") ?? LooseJSON.string(o, "verification_url") else {
            return fail("the device authorization answer from \(endpoints.deviceAuthorizationEndpoint) lacks device_code, user_code or verification_uri")
        }
        let expiresIn = max(1, LooseJSON.int(o, "expires_in") ?? 600)
        let interval = max(1, LooseJSON.int(o, "interval") ?? 5)
        let polling = Polling(endpoints: endpoints, deviceCode: deviceCode, interval: interval,
                              deadline: now.addingTimeInterval(Double(expiresIn)), failures: 0)
        let prompt = DevicePrompt(userCode: userCode, verificationURI: uri,
                                  verificationURIComplete: LooseJSON.string(o, "verification_uri_complete"), expiresIn: expiresIn)
        return [.show(prompt)] + schedule(polling, now: now)
    }

    private mutating func polled(_ r: HTTPResponse, _ p: Polling, now: Date) -> [Action] {
        let o = LooseJSON.object(r.body) ?? [:]
        if r.status == 200 {
            guard let id = LooseJSON.string(o, "id_token") else {
                return fail("the identity provider issued tokens but no id_token; the scope must include openid and the client must be an OpenID Connect client")
            }
            state = .done
            return [.finish(OIDCTokens(idToken: id, accessToken: LooseJSON.string(o, "access_token"),
                                       expiresIn: LooseJSON.int(o, "expires_in")))]
        }
        var next = p
        switch LooseJSON.string(o, "error") {
        case "authorization_pending":
            next.failures = 0
            return schedule(next, now: now)
        case "slow_down":
            next.failures = 0
            next.interval += 5
            return schedule(next, now: now)
        case "access_denied":
            return fail("sign-in was denied at the identity provider (access_denied); run `gangway login --oidc` again and approve the request")
        case "expired_token":
            return expired()
        case .some:
            return fail("the identity provider refused the token request: \(Self.oauthError(r, o))")
        case nil:
            return retry(p, now: now, reason: "the token endpoint \(p.endpoints.tokenEndpoint) answered HTTP \(r.status): \(String(decoding: r.body.prefix(200), as: UTF8.self))")
        }
    }

    private mutating func retry(_ p: Polling, now: Date, reason: String) -> [Action] {
        var next = p
        next.failures += 1
        guard next.failures < configuration.maxPollFailures else { return fail("\(reason) (\(next.failures) times in a row)") }
        return schedule(next, now: now)
    }

    private mutating func schedule(_ p: Polling, now: Date) -> [Action] {
        if now >= p.deadline { return expired() }
        state = .waiting(p)
        return [.wait(until: min(now.addingTimeInterval(Double(p.interval)), p.deadline))]
    }

    private mutating func expired() -> [Action] {
        fail("the login code expired before sign-in was completed; run `gangway login --oidc` again and approve it sooner")
    }

    private mutating func fail(_ message: String) -> [Action] {
        state = .done
        return [.fail(LoginError(message))]
    }

    private func tokenRequest(_ p: Polling) -> HTTPRequest {
        Self.formPost(p.endpoints.tokenEndpoint, [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", p.deviceCode),
            ("client_id", configuration.clientId),
        ])
    }

    static func formPost(_ url: String, _ pairs: [(String, String)]) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url,
                    headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                    body: Array(FormEncoding.encode(pairs).utf8))
    }

    /// "invalid_client: Client authentication failed" or "HTTP 401".
    static func oauthError(_ r: HTTPResponse, _ o: [String: Any]) -> String {
        guard let code = LooseJSON.string(o, "error") else {
            let text = String(decoding: r.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return "HTTP \(r.status)\(text.isEmpty ? "" : ": \(text)")"
        }
        return LooseJSON.string(o, "error_description").map { "\(code): \($0)" } ?? code
    }
}
