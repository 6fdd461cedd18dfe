import AWSCore
import ArgumentParser
import ChannelIO
import ConsoleCore
import ConsoleUI
import ControlPlane
import Foundation
import GangwayClient
import HostAgent
import Logging

/// `gangway demo`: a control plane and a small fleet of agents with real local PTY shells, all in this process,
/// with embedded storage in a temporary directory; then the console on them. Nothing to install or start.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a local fleet in one process and open the console on it.",
        discussion: """
            Starts gangwayd on 127.0.0.1 (a free port) with its data in a temporary directory, eight agents whose \
            shells are real local PTYs running as you (four plain hosts, four EKS nodes in two clusters; one node \
            loses its connection after a minute), and opens the console with credentials wired in. Quitting the \
            console (:q) or Ctrl-C stops everything and removes the temporary directory.
            """)

    @Option(help: "Theme for the console.")
    var theme: String = ProcessInfo.processInfo.environment["GANGWAY_THEME"] ?? "default"

    @Option(help: "Seconds after which the node ip-10-1-0-5 drops off the fleet (0: never).")
    var loseAfter: Int = 60

    @Option(help: ArgumentHelp("File for log lines of the console and of the demo's own gangwayd and agents (default: none; also $GANGWAY_LOG_FILE). Level: $GANGWAY_LOG_LEVEL (default info).", valueName: "path"))
    var logFile: String?

    @Flag(help: "Start the fleet and print its endpoint and credentials instead of opening the console (Ctrl-C stops).")
    var headless = false

    func run() async throws {
        ConsoleLogging.bootstrap(option: logFile, fallback: nil)
        let fleet = try await DemoFleet.start(loseAfter: loseAfter)
        let signals = await SignalWaiter.install([SIGINT, SIGTERM, SIGHUP])
        let outcome: Result<Void, any Error>
        do {
            if headless {
                let banner = """
                    gangway demo: control plane at \(fleet.endpoint)
                    export AWS_ACCESS_KEY_ID=\(fleet.credentials.accessKeyId) AWS_SECRET_ACCESS_KEY=\(fleet.credentials.secretAccessKey) AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
                    aws ssm describe-instance-information --endpoint-url \(fleet.endpoint)
                    gangway connect web-1 --endpoint-url \(fleet.endpoint)
                    (Ctrl-C stops the fleet)

                    """
                FileHandle.standardOutput.write(Data(banner.utf8))
                await signals.wait()
            } else {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await ConsoleApp.run(source: fleet.source, theme: theme) }
                    // A signal asks the console to quit; it then ends its sessions and restores the terminal.
                    group.addTask { await signals.wait(); if !Task.isCancelled { ConsoleApp.requestQuit() } }
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
            outcome = .success(())
        } catch is CancellationError {
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await fleet.stop()
        try outcome.get()
    }
}

/// The demo's control plane and agents, and the temporary directory that holds their state.
struct DemoFleet: Sendable {
    let directory: URL
    let server: ControlPlaneServer
    let agents: [HostAgentRuntime]
    let agentTasks: [Task<Void, Never>]
    let loser: Task<Void, Never>?
    let endpoint: String
    let credentials: AWSCredentials
    let source: SSMFleetSource

    /// (computer name, labels). The last one is the node that loses its connection.
    static let hosts: [(String, [String: String])] = [
        ("web-1", ["env": "prod", "role": "web"]),
        ("web-2", ["env": "prod", "role": "web"]),
        ("db-1", ["env": "prod", "role": "db"]),
        ("staging-app-1", ["env": "staging", "role": "app"]),
        ("ip-10-0-1-17", ["env": "prod", "eks:cluster-name": "prod-eks", "eks:nodegroup-name": "ng-general"]),
        ("ip-10-0-1-42", ["env": "prod", "eks:cluster-name": "prod-eks", "eks:nodegroup-name": "ng-general"]),
        ("ip-10-0-2-9", ["env": "prod", "eks:cluster-name": "prod-eks", "eks:nodegroup-name": "ng-gpu"]),
        ("ip-10-1-0-5", ["env": "staging", "eks:cluster-name": "staging-eks", "eks:nodegroup-name": "ng-spot"]),
    ]

    static func start(loseAfter: Int) async throws -> DemoFleet {
        var template = Array("/tmp/gangway-demo-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ValidationError("cannot create a temporary directory under /tmp: \(String(cString: strerror(errno)))")
        }
        let directory = URL(fileURLWithPath: String(cString: made))
        do {
            var config = ControlPlaneConfig(dataDir: directory.appendingPathComponent("gangwayd"))
            config.connectionLostAfter = 15
            try FileManager.default.createDirectory(at: config.dataDir, withIntermediateDirectories: true)
            let server = try await ControlPlaneServer.start(config)
            do {
                let user = try await server.store.createUser("operator")
                let key = try await server.store.createAccessKey(user: user.name)
                try await DemoPolicy.grantAdministrator(to: user.name, server: server)
                let credentials = AWSCredentials(accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey)
                let shell = ["/bin/bash", "/bin/sh"].first { FileManager.default.isExecutableFile(atPath: $0) }
                let me = String(cString: getpwuid(geteuid()).pointee.pw_name)
                var agents: [HostAgentRuntime] = []
                for (name, labels) in hosts {
                    let token = try await server.store.createAgentToken()
                    let state = directory.appendingPathComponent("agents/\(name)")
                    try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
                    agents.append(HostAgentRuntime(HostAgentConfig(
                        server: server.baseURL, token: token, stateDir: state.path, labels: labels, runAs: me,
                        shell: shell, heartbeat: .seconds(5), computerName: name, kubernetes: nil)))
                }
                let tasks = agents.map { agent in Task<Void, Never> { _ = try? await agent.run() } }
                await withTaskGroup(of: Void.self) { group in
                    for agent in agents { group.addTask { await agent.waitUntilConnected() } }
                }
                let loser: Task<Void, Never>? = loseAfter > 0 ? Task { [last = agents.last!] in
                    try? await Task.sleep(for: .seconds(loseAfter))
                    await last.stop()
                } : nil
                let settings = AWSClientSettings(profile: "demo", credentials: credentials, region: "us-east-1",
                                                 endpointURL: server.baseURL, endpointIsCustom: true, credentialSource: "demo")
                return DemoFleet(directory: directory, server: server, agents: agents, agentTasks: tasks, loser: loser,
                                 endpoint: server.baseURL, credentials: credentials, source: SSMFleetSource(settings: settings))
            } catch {
                await server.shutdown()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// Stops agents (ending their shells), the control plane, and removes the temporary directory.
    func stop() async {
        loser?.cancel()
        for agent in agents { await agent.stop() }
        for task in agentTasks { task.cancel(); await task.value }
        await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}
