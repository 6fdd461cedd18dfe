import AccessPolicy
import AWSCore
@testable import ControlPlane
import Foundation
import GangwayTesting

/// A real in-process gangwayd with `PolicyAuthorizer` (SQLite in a temp dir, HTTP on 127.0.0.1:0, a manual clock),
/// a local IdP whose JWKS is served by a `LoopbackHTTPServer` (provider `corp`) and written to a file (provider
/// `files`, another issuer), and a role `oncall` trusting `groups` = `sre` with ReadOnlyAccess attached.
struct STSFixture {
    static let issuer = "https://idp.test.example"
    static let fileIssuer = "https://files-idp.test.example"

    let dir: URL
    let server: ControlPlaneServer
    let store: SQLiteStore
    let policies: SQLitePolicyStore
    let admin: PolicyAdministration
    let audit: MemoryAuditSink
    let clock: ManualClock
    let idp: OIDCTestIdP
    let fileIdp: OIDCTestIdP
    let jwksServer: LoopbackHTTPServer
    let http = HTTPClient()

    static func with(_ body: (STSFixture) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gangway-sts-\(UUID().uuidString)")
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_800_000_000))
        let store = try SQLiteStore(dataDir: dir)
        let policies = try SQLitePolicyStore(dataDir: dir)
        let audit = MemoryAuditSink()
        let idp = OIDCTestIdP(issuer: issuer)
        let fileIdp = OIDCTestIdP(issuer: fileIssuer)
        let jwks = idp.jwks()
        let jwksServer = try LoopbackHTTPServer { _ in .json(jwks) }
        let jwksFile = dir.appendingPathComponent("idp-jwks.json")
        try Data(fileIdp.jwks().utf8).write(to: jwksFile)
        let providers = try SQLiteTemporaryCredentialStore(dataDir: dir)
        try await providers.putProvider(OIDCProviderConfig(name: "corp", issuer: issuer, audiences: ["gangway"],
                                                           jwksURL: jwksServer.url + "/.well-known/jwks.json"), now: clock.now())
        try await providers.putProvider(OIDCProviderConfig(name: "files", issuer: fileIssuer, audiences: ["gangway-cli"],
                                                           jwksFile: jwksFile.path), now: clock.now())
        let admin = PolicyAdministration(policies: policies, core: store)
        try await admin.createRole("oncall", trust: """
            {"Issuer": ["\(issuer)", "\(fileIssuer)"], "Claims": {"groups": "sre"}}
            """, maxSessionSeconds: 3600)
        try await admin.attach(policy: "ReadOnlyAccess", to: .role("oncall"))
        let server = try ControlPlaneServer(config: ControlPlaneConfig(dataDir: dir), store: store, auditSink: audit,
                                            authorizer: PolicyAuthorizer(store: policies), clock: clock)
        try await server.start()
        let f = STSFixture(dir: dir, server: server, store: store, policies: policies, admin: admin, audit: audit,
                           clock: clock, idp: idp, fileIdp: fileIdp, jwksServer: jwksServer)
        do {
            try await body(f)
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(at: dir)
    }

    /// A token from the URL-served IdP, in group `sre` unless `extra` says otherwise.
    func token(subject: String = "ann-0001", audience: Any = "gangway", alg: String = "RS256", kid: String? = nil,
               lifetime: TimeInterval = 600, extra: [String: Any] = [:]) -> String {
        var claims: [String: Any] = ["groups": ["sre", "staff"], "preferred_username": "ann"]
        claims.merge(extra) { _, new in new }
        return idp.token(subject: subject, audience: audience, now: clock.now(), lifetime: lifetime, alg: alg, kid: kid,
                         extra: claims)
    }

    struct STSAnswer {
        var status: Int
        var xml: String
        func value(_ tag: String) -> String? {
            guard let open = xml.range(of: "<\(tag)>"), let close = xml.range(of: "</\(tag)>", range: open.upperBound..<xml.endIndex) else { return nil }
            return String(xml[open.upperBound..<close.lowerBound])
        }
        var code: String? { value("Code") }
        var credentials: AWSCredentials? {
            guard let id = value("AccessKeyId"), let secret = value("SecretAccessKey"), let token = value("SessionToken") else { return nil }
            return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token)
        }
    }

    /// An unsigned `AssumeRoleWithWebIdentity`, as `aws sts assume-role-with-web-identity` sends it.
    func assume(token: String, role: String = "arn:aws:iam::123456789012:role/oncall", session: String = "ann",
                duration: Int? = nil) async throws -> STSAnswer {
        var params = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", role),
                      ("RoleSessionName", session), ("WebIdentityToken", token)]
        if let duration { params.append(("DurationSeconds", String(duration))) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = params.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        let r = try await http.execute(HTTPRequest(method: "POST", url: server.baseURL + "/",
                                                   headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                                   body: Array(body.utf8)))
        return STSAnswer(status: r.status, xml: r.bodyText)
    }

    /// `AmazonSSM.<op>` signed with `credentials` (their session token included by the signer).
    func ssm(_ op: String, _ body: String = "{}", credentials: AWSCredentials, presigned: Bool = false) async throws -> (status: Int, code: String?, message: String?) {
        let bytes = Array(body.utf8)
        var headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonSSM.\(op)")]
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ssm")
        headers += try signer.signingHeaders(method: "POST", url: server.baseURL + "/", headers: headers, body: bytes, date: clock.now())
        let r = try await http.execute(HTTPRequest(method: "POST", url: server.baseURL + "/", headers: headers, body: bytes))
        let json = (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
        return (r.status, (json["__type"] as? String)?.split(separator: "#").last.map(String.init), json["message"] as? String)
    }

    /// A signed STS Query call (service `sts`), as `aws sts get-caller-identity` sends it.
    func signedSTS(_ action: String, credentials: AWSCredentials?) async throws -> STSAnswer {
        let bytes = Array("Action=\(action)&Version=2011-06-15".utf8)
        var headers = [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        if let credentials {
            let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sts")
            headers += try signer.signingHeaders(method: "POST", url: server.baseURL + "/", headers: headers, body: bytes, date: clock.now())
        }
        let r = try await http.execute(HTTPRequest(method: "POST", url: server.baseURL + "/", headers: headers, body: bytes))
        return STSAnswer(status: r.status, xml: r.bodyText)
    }

    /// The audited STS calls, oldest first.
    func stsEvents() async -> [AuditEventInput] {
        await audit.events.filter { $0.eventSource == "sts.amazonaws.com" }
    }
}
