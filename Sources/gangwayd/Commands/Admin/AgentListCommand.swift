import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D agent list` — registered instances (live status needs the API).
struct AgentListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered agents.")
    @ParentCommand var options: AdminCommand

    func run() async throws {
        for a in try await options.openStore().agents() {
            var o: [String: Any] = ["InstanceId": a.instanceId, "ComputerName": a.computerName,
                                    "AgentVersion": a.agentVersion, "PlatformName": a.platformName, "Labels": a.labels]
            if let p = a.lastPingAt { o["LastPingDateTime"] = ISO8601DateFormatter().string(from: p) }
            printJSON(o)
        }
    }
}
