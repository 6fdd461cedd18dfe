import AWSCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real gangwayd on 127.0.0.1 with a temp data dir, an operator key, and real gangway-agent processes.
final class Cluster: @unchecked Sendable {
    // @unchecked: mutated only from the single test that owns it (tests in this suite are serialized).
    let root: String
    let dataDir: String
    var server: ChildProcess?
    /// More `gangwayd serve` flags (given to `withCluster`).
    var serverArgs: [String] = []
    /// A command gangwayd runs under (e.g. `prlimit --fsize=N --`), given to `withCluster`.
    var serverWrapper: [String] = []
    var port: Int = 0
    var agents: [String: ChildProcess] = [:]
    let credentials: AWSCredentials
    let http = HTTPClient()
    static let connectionLostAfter = 3

    init() throws {
        root = NSTemporaryDirectory() + "gangway-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        dataDir = root + "/data"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let gangwayd = Executables.path("gangwayd")
        guard FileManager.default.isExecutableFile(atPath: gangwayd) else {
            throw HarnessError("gangwayd not found at \(gangwayd); build first (swift build) or set GANGWAY_BIN_DIR")
        }
        _ = try ChildProcess.run(gangwayd, ["admin", "--data-dir", dataDir, "user", "create", "e2e"])
        // Access is policy-checked: the test operator may do everything.
        _ = try? ChildProcess.run(gangwayd, ["admin", "--data-dir", dataDir, "policy", "attach", "--user", "e2e",
                                             "--policy", "AdministratorAccess"])
        _ = try ChildProcess.run(gangwayd, ["admin", "--data-dir", dataDir, "policy", "attach", "--user", "e2e", "--policy", "AdministratorAccess"])
        let keyJSON = try ChildProcess.run(gangwayd, ["admin", "--data-dir", dataDir, "key", "create", "e2e"])
        guard let o = try JSONSerialization.jsonObject(with: Data(keyJSON.utf8)) as? [String: Any],
              let id = o["AccessKeyId"] as? String, let secret = o["SecretAccessKey"] as? String else {
            throw HarnessError("key create printed \(keyJSON)")
        }
        credentials = AWSCredentials(accessKeyId: id, secretAccessKey: secret)
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts gangwayd (port 0 the first time, the same port on a restart) and waits for its listening line.
    func startServer() async throws {
        let logName = "gangwayd-\(UUID().uuidString.prefix(4))"
        let command = serverWrapper + [Executables.path("gangwayd"),
                                       "serve", "--data-dir", dataDir, "--listen", "127.0.0.1:\(port)",
                                       "--connection-lost-after", String(Self.connectionLostAfter)] + serverArgs
        let s = try ChildProcess(command[0], Array(command.dropFirst()), logDir: root, name: logName)
        server = s
        let listening = await eventually(timeout: .seconds(20), every: .milliseconds(25)) { s.stdout.contains("listening on") }
        guard listening, let line = s.stdout.split(separator: "\n").first(where: { $0.contains("listening on") }),
              let portText = line.split(separator: ":").last, let p = Int(portText.trimmingCharacters(in: .whitespaces)) else {
            throw HarnessError("gangwayd did not start: \(s.stderr)")
        }
        port = p
    }

    /// Registers and starts an agent against gangwayd (or against `server`, e.g. a `CuttableTCPProxy` in front of
    /// it); returns its instance id once it is Online.
    @discardableResult
    func startAgent(_ name: String, server: String? = nil, extra: [String] = [],
                    environment: [String: String] = [:]) async throws -> String {
        let token = try ChildProcess.run(Executables.path("gangwayd"), ["admin", "--data-dir", dataDir, "agent", "token"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let stateDir = root + "/agent-\(name)"
        let agent = try ChildProcess(Executables.path("gangway-agent"),
                                     ["--server", server ?? baseURL, "--token", token, "--state-dir", stateDir, "--heartbeat", "1",
                                      "--computer-name", name] + extra,
                                     logDir: root, name: "agent-\(name)", environment: environment)
        agents[name] = agent
        var instanceId: String?
        _ = await eventually(timeout: .seconds(20)) {
            guard let data = FileManager.default.contents(atPath: stateDir + "/identity.json"),
                  let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
            instanceId = o["InstanceId"] as? String
            return instanceId != nil
        }
        guard let id = instanceId else { throw HarnessError("agent \(name) did not register: \(agent.stderr)") }
        let online = try await eventually(timeout: .seconds(20)) { try await pingStatus(id) == "Online" }
        guard online else { throw HarnessError("agent \(name) (\(id)) never came Online: \(agent.stderr)") }
        return id
    }

    func pingStatus(_ instanceId: String) async throws -> String? {
        let r = try await call("DescribeInstanceInformation", ["Filters": [["Key": "InstanceIds", "Values": [instanceId]]]])
        let list = r["InstanceInformationList"] as? [[String: Any]] ?? []
        return list.first?["PingStatus"] as? String
    }

    /// A SigV4-signed AWS JSON 1.1 call; throws with the error body on a non-200.
    /// A user of its own (no policy attached unless given) and a fresh access key for it.
    func createUser(_ name: String, policy: String? = nil) throws -> AWSCredentials {
        let gangwayd = Executables.path("gangwayd")
        _ = try ChildProcess.run(gangwayd, ["admin", "--data-dir", dataDir, "user", "create", name])
        if let policy { _ = try ChildProcess.run(gangwayd, ["admin", "--data-dir", dataDir, "policy", "attach", "--user", name, "--policy", policy]) }
        let keyJSON = try ChildProcess.run(gangwayd, ["admin", "--data-dir", dataDir, "key", "create", name])
        guard let o = try JSONSerialization.jsonObject(with: Data(keyJSON.utf8)) as? [String: Any],
              let id = o["AccessKeyId"] as? String, let secret = o["SecretAccessKey"] as? String else {
            throw HarnessError("key create printed \(keyJSON)")
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret)
    }

    func call(_ operation: String, _ body: [String: Any], as caller: AWSCredentials? = nil) async throws -> [String: Any] {
        let bytes = Array(try JSONSerialization.data(withJSONObject: body))
        let url = baseURL + "/"
        let headers = [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "AmazonSSM.\(operation)")]
        let signer = SigV4Signer(credentials: caller ?? credentials, region: "us-east-1", service: "ssm")
        let auth = try signer.signingHeaders(method: "POST", url: url, headers: headers, body: bytes, date: Date())
        let response = try await http.execute(HTTPRequest(method: "POST", url: url,
                                                           headers: headers + auth.filter { $0.0 != "Host" }, body: bytes))
        guard response.status == 200 else { throw HarnessError("\(operation) → \(response.status): \(response.bodyText)") }
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    func shutdown() async {
        for agent in agents.values { await agent.stop() }
        await server?.stop()
        if ProcessInfo.processInfo.environment["GANGWAY_E2E_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}

/// Request lines of gangwayd's WebSocket channels, to pick connections out for `CuttableTCPProxy`.
enum ChannelRequest {
    /// A data channel (an agent's or a client's side of a session).
    static let data: @Sendable (String) -> Bool = { $0.hasPrefix("GET /v1/data-channel/") }
    /// An agent's control channel.
    static let control: @Sendable (String) -> Bool = { $0.hasPrefix("GET /v1/control-channel/") }
}
