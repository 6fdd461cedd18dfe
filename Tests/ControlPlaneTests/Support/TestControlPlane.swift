import AWSCore
import ControlPlane
import Foundation

/// An in-process gangwayd on 127.0.0.1 port 0 with SQLite in a temp dir, a user `alice` with a key, and a
/// SigV4-signing HTTP helper (AWSCore's signer over libcurl).
final class TestControlPlane: Sendable {
    let server: ControlPlaneServer
    let dir: URL
    let key: CreatedAccessKey
    let audit: MemoryAuditSink
    let http = HTTPClient()
    let clock: any ControlPlaneClock

    init(configure: (inout ControlPlaneConfig) -> Void = { _ in }, clock: any ControlPlaneClock = SystemClock(),
         recorder: any SessionRecorder = NullRecorder(), authorizer: (URL) throws -> any Authorizer = { _ in AllowAllAuthorizer() }) async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-cp-\(UUID().uuidString)")
        var config = ControlPlaneConfig(port: 0, dataDir: dir)
        config.connectionLostAfter = 3
        configure(&config)
        let store = try SQLiteStore(dataDir: dir)
        audit = MemoryAuditSink()
        self.clock = clock
        server = try ControlPlaneServer(config: config, store: store, auditSink: audit, recorder: recorder, authorizer: try authorizer(dir), clock: clock)
        try await server.start()
        try await store.createUser("alice")
        key = try await store.createAccessKey(user: "alice")
    }

    var base: String { server.baseURL }
    var credentials: AWSCredentials { AWSCredentials(accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey) }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Calls `AmazonSSM.<op>` signed with `credentials` (default alice's) at `date` (default the server clock).
    func call(_ op: String, _ body: String = "{}", credentials: AWSCredentials? = nil, date: Date? = nil,
              service: String = "ssm", target: String? = nil) async throws -> (status: Int, json: [String: Any]) {
        let bytes = Array(body.utf8)
        var headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target ?? "AmazonSSM.\(op)")]
        let signer = SigV4Signer(credentials: credentials ?? self.credentials, region: "eu-west-1", service: service)
        headers += try signer.signingHeaders(method: "POST", url: base + "/", headers: headers, body: bytes,
                                             date: date ?? clock.now())
        let r = try await http.execute(AWSCore.HTTPRequest(method: "POST", url: base + "/", headers: headers, body: bytes))
        let json = (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
        return (r.status, json)
    }

    func unsigned(_ path: String, method: String = "POST", body: String = "{}",
                  headers: [(String, String)] = []) async throws -> AWSCore.HTTPResponse {
        try await http.execute(AWSCore.HTTPRequest(method: method, url: base + path, headers: headers, body: Array(body.utf8)))
    }

    /// A signed POST to an agent endpoint (service `ssmmessages`).
    func agentPost(_ path: String, body: String, credentials: AWSCredentials) async throws -> AWSCore.HTTPResponse {
        let bytes = Array(body.utf8)
        var headers = [("Content-Type", "application/json")]
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "ssmmessages")
        headers += try signer.signingHeaders(method: "POST", url: base + path, headers: headers, body: bytes, date: clock.now())
        return try await http.execute(AWSCore.HTTPRequest(method: "POST", url: base + path, headers: headers, body: bytes))
    }

    var wsBase: String { base.replacingOccurrences(of: "http://", with: "ws://") }
}

/// Polls `condition` every 50 ms up to `seconds` (test helper only; the code under test never polls).
func eventually(_ seconds: Double = 5, _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
