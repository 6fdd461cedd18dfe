import AWSCore
import Foundation
import GangwayTesting
@testable import GangwayClient

/// A fake OpenID Connect IdP on loopback: discovery, device authorization and token endpoints. The token
/// endpoint answers from `script` in order (the last answer repeats).
final class FakeIdP: @unchecked Sendable {
    // @unchecked: `script` and `deviceRequests` are guarded by `lock`; `server` is set once in init.
    enum TokenAnswer: Sendable { case error(String), idToken(String), http(Int, String) }

    private let lock = NSLock()
    private var script: [TokenAnswer]
    private(set) var server: LoopbackHTTPServer!
    let interval: Int
    let expiresIn: Int
    let complete: Bool

    init(script: [TokenAnswer], interval: Int = 1, expiresIn: Int = 600, complete: Bool = true,
         offerDevice: Bool = true) throws {
        self.script = script
        self.interval = interval
        self.expiresIn = expiresIn
        self.complete = complete
        server = try LoopbackHTTPServer { [weak self] req in
            self?.answer(req, offerDevice: offerDevice) ?? .init(status: 503, headers: [], body: [])
        }
    }

    var issuer: String { server.url + "/realms/ops" }
    var tokenRequests: [LoopbackHTTPServer.Request] { server.requests.filter { $0.path.hasSuffix("/token") } }
    var deviceRequests: [LoopbackHTTPServer.Request] { server.requests.filter { $0.path.hasSuffix("/device") } }

    private func answer(_ req: LoopbackHTTPServer.Request, offerDevice: Bool) -> LoopbackHTTPServer.Response {
        let base = "http://\(req.header("Host") ?? "127.0.0.1")/realms/ops"
        switch (req.method, req.path) {
        case ("GET", "/realms/ops/.well-known/openid-configuration"):
            var doc: [String: String] = ["issuer": base, "token_endpoint": base + "/token", "jwks_uri": base + "/jwks"]
            if offerDevice { doc["device_authorization_endpoint"] = base + "/device" }
            return Self.json(doc)
        case ("POST", "/realms/ops/device"):
            var doc: [String: Any] = ["device_code": "dev-code-1", "user_code": "ABCD-EFGH", "verification_uri": base + "/activate",
                                      "expires_in": expiresIn, "interval": interval]
            if complete { doc["verification_uri_complete"] = base + "/activate?user_code=ABCD-EFGH" }
            return Self.json(doc)
        case ("POST", "/realms/ops/token"):
            let next: TokenAnswer = lock.withLock { script.count > 1 ? script.removeFirst() : script[0] }
            switch next {
            case .error(let code): return Self.json(["error": code, "error_description": "fake: \(code)"], status: 400)
            case .idToken(let t): return Self.json(["access_token": "at", "token_type": "Bearer", "id_token": t, "expires_in": 300])
            case .http(let status, let body): return .init(status: status, headers: [("Content-Type", "text/plain")], body: Array(body.utf8))
            }
        default:
            return .init(status: 404, headers: [], body: Array("not found".utf8))
        }
    }

    static func json(_ o: [String: Any], status: Int = 200) -> LoopbackHTTPServer.Response {
        let data = try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
        return .init(status: status, headers: [("Content-Type", "application/json")], body: Array(data))
    }

    func stop() { server.stop() }
}

/// A clock that jumps to the end of each wait and records how long each wait was.
final class JumpingLoginClock: LoginClock, @unchecked Sendable {
    // @unchecked: `current` and `recorded` are guarded by `lock`.
    private let lock = NSLock()
    private var current: Date
    private var recorded: [Double] = []

    init(_ start: Date = Date(timeIntervalSince1970: 1_764_500_000)) { current = start }

    var now: Date { lock.withLock { current } }
    var waits: [Double] { lock.withLock { recorded } }

    func sleep(until date: Date) async throws {
        try Task.checkCancellation()
        lock.withLock {
            recorded.append(date.timeIntervalSince(current))
            if date > current { current = date }
        }
    }
}

/// Collects progress reports from a @Sendable callback.
final class ProgressLog<T: Sendable>: @unchecked Sendable {
    // @unchecked: `items` is guarded by `lock`.
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ t: T) { lock.withLock { items.append(t) } }
    var all: [T] { lock.withLock { items } }
}

enum LoginFixtures {
    /// An unsigned JWT-shaped token with these claims (signature checking is the STS endpoint's job).
    static func idToken(_ claims: [String: Any] = ["iss": "https://idp", "sub": "u-1", "email": "alice@example.com"]) -> String {
        let header = Base64URL.encode(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let payload = Base64URL.encode(try! JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        return "\(header).\(payload).c2lnbmF0dXJl"
    }

    static let stsSuccessXML = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>u-1</SubjectFromWebIdentityToken>
            <Audience>gangway</Audience>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/operators/alice@example.com</Arn>
              <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:alice@example.com</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <SessionToken>FwoGZXIvYXdzEBY&amp;token/+=</SessionToken>
              <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
              <Expiration>2026-11-30T19:00:00Z</Expiration>
              <AccessKeyId>ASIAGANGWAYEXAMPLE</AccessKeyId>
            </Credentials>
            <Provider>https://idp</Provider>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """

    static func stsErrorXML(code: String, message: String) -> String {
        """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>Sender</Type><Code>\(code)</Code><Message>\(message)</Message></Error>
          <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
        </ErrorResponse>
        """
    }

    static func xml(_ text: String, status: Int = 200) -> LoopbackHTTPServer.Response {
        .init(status: status, headers: [("Content-Type", "text/xml")], body: Array(text.utf8))
    }

    /// A fresh temporary folder.
    static func tempDir() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-login-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}
