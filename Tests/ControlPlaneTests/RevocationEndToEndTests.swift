import AccessPolicy
import AWSCore
import ConsoleCore
import ControlPlane
import Foundation
import GangwayClient
import HostAgent
import Logging
import Testing

/// Revocation and policy changes against a real shell: in-process gangwayd (`PolicyAuthorizer`, SQLite), a real
/// `HostAgentRuntime` running /bin/sh in a PTY, and the real client (`SSMShellSession`, as `gangway connect`).
/// The name ends in `EndToEndTests` so CI runs it with the end-to-end phase, not among the parallel unit tests:
/// its 1 s bound is wall-clock, and on 2 busy cores other suites can starve the in-process server for seconds.
@Suite(.serialized)
struct RevocationEndToEndTests {
    /// gangwayd + one real agent (`web-1`) + alice with AdministratorAccess.
    struct Rig {
        let cp: TestControlPlane
        let agent: HostAgentRuntime
        let agentTask: Task<Void, Never>
        let instanceId: String
        let stateDir: URL

        /// `agentWallClock`: the agent host's wall clock (a drifted host); `agentLogger`: where the agent logs.
        static func start(clock: any ControlPlaneClock = SystemClock(),
                          configure: @escaping (inout ControlPlaneConfig) -> Void = { _ in },
                          agentWallClock: @escaping @Sendable () -> Date = { Date() },
                          agentLogger: Logger? = nil) async throws -> Rig {
            let cp = try await TestControlPlane(configure: configure, clock: clock,
                                               authorizer: { try PolicyAuthorizer(dataDir: $0) })
            let admin = PolicyAdministration(policies: try SQLitePolicyStore(dataDir: cp.dir), core: cp.server.store)
            try await admin.attach(policy: BuiltinPolicies.administratorAccess, to: .user("alice"))
            let stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-agent-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: stateDir, withIntermediateDirectories: true)
            let me = String(cString: getpwuid(geteuid()).pointee.pw_name)
            var config = HostAgentConfig(
                server: cp.base, token: try await cp.server.store.createAgentToken(now: clock.now()), stateDir: stateDir.path,
                runAs: me, shell: "/bin/sh", heartbeat: .seconds(5), computerName: "web-1", kubernetes: nil)
            config.wallClock = agentWallClock
            let agent = HostAgentRuntime(config, logger: agentLogger)
            let task = Task<Void, Never> { _ = try? await agent.run() }
            let connected = await eventually(20) { await agent.isConnected }
            try #require(connected, "the agent never opened its control channel")
            let id = try #require(await agent.identity?.instanceId)
            return Rig(cp: cp, agent: agent, agentTask: task, instanceId: id, stateDir: stateDir)
        }

        func ssm(_ credentials: AWSCredentials? = nil) -> SSMClient {
            let settings = AWSClientSettings(credentials: credentials ?? cp.credentials, region: "eu-west-3",
                                             endpointURL: cp.base)
            return SSMClient(json: AWSJSONClient(settings: settings, signingName: "ssm", targetPrefix: "AmazonSSM",
                                                 maxAttempts: 1, clock: { [clock = cp.clock] in clock.now() }))
        }

        /// A shell on web-1 that has answered a first command.
        func openShell() async throws -> (SSMShellSession, Transcript) {
            let shell = try await SSMShellSession.start(ssm: ssm(), target: instanceId, cols: 100, rows: 30)
            let transcript = Transcript()
            Task { for await event in shell.output { await transcript.add(event) } }
            await shell.send(Array("echo ready-$((6*7))\n".utf8))
            #expect(await eventually(10) { await transcript.text.contains("ready-42") }, "the shell never answered")
            return (shell, transcript)
        }

        func stop() async {
            await agent.stop()
            agentTask.cancel()
            await cp.stop()
            try? FileManager.default.removeItem(at: stateDir)
        }
    }

    /// What the user's terminal got, and when the session ended.
    actor Transcript {
        private(set) var text = ""
        private(set) var exit: (message: String?, at: Date)?
        func add(_ event: ShellEvent) {
            switch event {
            case .data(let bytes): text += String(decoding: bytes, as: UTF8.self)
            case .exited(_, let message): exit = (message, Date())
            }
        }
        var exited: Bool { exit != nil }
    }

    @Test("revoking a user ends its real shell within 1 s and /metrics reports the revoke-to-kill latency")
    func revokeKillsRealShellAndIsMeasured() async throws {
        let rig = try await Rig.start(configure: { $0.maintenanceInterval = 0.25 })
        do {
            let (_, transcript) = try await rig.openShell()
            let revokedAt = Date()
            _ = try await SQLitePolicyStore(dataDir: rig.cp.dir).revoke(principal: "alice", reason: "laptop stolen",
                                                                        now: revokedAt)
            #expect(await eventually(3) { await transcript.exited }, "the session did not end")
            let exit = try #require(await transcript.exit)
            let latency = exit.at.timeIntervalSince(revokedAt)
            #expect(latency < 1.0, "revoke-to-kill took \(latency) s; the session ended with \(exit.message ?? "no message")")
            #expect(exit.message?.contains("access for alice was revoked (laptop stolen)") == true)
            #expect(await eventually(3) { await rig.agent.sessionCount == 0 }, "the agent still runs the shell")

            let metrics = try await rig.cp.unsigned("/metrics", method: "GET")
            #expect(metrics.status == 200)
            let text = String(decoding: metrics.body, as: UTF8.self)
            let values = Self.samples(text)
            #expect(values["gangway_revocation_kill_seconds_count"] == 1)
            #expect(values["gangway_sessions_terminated_total{reason=\"revoked\"}"] == 1)
            #expect(values["gangway_revocation_kill_seconds_bucket{le=\"1\"}"] == 1)
            let max = try #require(values["gangway_revocation_kill_seconds_max"])
            #expect(max > 0 && max < 1.0)
            #expect(text.contains("# TYPE gangway_revocation_kill_seconds histogram"))
            print("revoke-to-kill: client saw the end after \(Int(latency * 1000)) ms; gangwayd measured \(Int(max * 1000)) ms (maintenance every 250 ms)")
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }

    @Test("a policy change warns the user in the terminal and ends the shell after the grace period")
    func policyChangeWarnsThenEndsAfterGrace() async throws {
        // The server's clock starts now (SigV4 dates must stay close) and only moves when told; no background passes.
        let clock = ManualClock(start: Date())
        let rig = try await Rig.start(clock: clock, configure: { $0.maintenanceInterval = 3600; $0.policyGraceSeconds = 30 })
        do {
            let (shell, transcript) = try await rig.openShell()
            let admin = PolicyAdministration(policies: try SQLitePolicyStore(dataDir: rig.cp.dir), core: rig.cp.server.store)
            try await admin.detach(policy: BuiltinPolicies.administratorAccess, from: .user("alice"))

            #expect(await rig.cp.server.enforceAccess().isEmpty, "the grace period must let the session go on")
            #expect(await eventually(5) { await transcript.text.contains("gangway: access to web-1 ends in 30 s:") },
                    "the user was not told")
            #expect(await transcript.text.contains("default deny"))
            clock.advance(29)
            #expect(await rig.cp.server.enforceAccess().isEmpty)
            #expect(await !transcript.exited)

            clock.advance(1)
            #expect(await rig.cp.server.enforceAccess().count == 1)
            #expect(await eventually(3) { await transcript.exited })
            #expect(await transcript.exit?.message?.contains("alice may no longer reach \(rig.instanceId)") == true)
            let events = await rig.cp.audit.events.filter { $0.eventSource == "gangway" && $0.sessionId == shell.sessionId }
                .map(\.eventName)
            #expect(events == ["SessionAccessEnding", "TerminateSession"])
            let metrics = await rig.cp.server.revocationMetrics()
            #expect(metrics.terminated["policy"] == 1)
            #expect(metrics.count == 0, "a policy change is not a revocation")
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }

    /// `name value` lines of a Prometheus text exposition (comments skipped).
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            out[String(line[..<space])] = value
        }
        return out
    }
}
