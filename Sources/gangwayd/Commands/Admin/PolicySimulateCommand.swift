import AccessPolicy
import ArgumentParser
import ControlPlane
import Foundation

/// `policy simulate --principal P --action A --target T [--at TIME] [--source-ip IP] [--mfa]` prints
/// `allow`/`deny`, the deciding statement and the reason; `--who-can-reach T --at TIME` lists who may start a session.
struct PolicySimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Evaluate a request against stored policies without making it.",
        discussion: """
        Either:  --principal alice --action ssm:StartSession --target mi-0123… [--at 2026-03-30T08:00:00+02:00] [--source-ip 10.0.0.5]
        or:      --who-can-reach mi-0123… [--at TIME] [--source-ip IP]
        The target's tags are its agent's labels. Prints one line `allow` or `deny`, then the deciding statement and reason.
        """)
    @OptionGroup var options: AdminOptions
    @Option(help: "User name, user/NAME or role/NAME.") var principal: String?
    @Option(help: "Action, e.g. ssm:StartSession.") var action: String?
    @Option(help: "Instance id (mi-…, i-…), session id, or * for list operations.") var target: String?
    @Option(help: "List every user and role that may start a session on this target.") var whoCanReach: String?
    @Option(help: "When (ISO 8601, default now).") var at: String?
    @Option(help: "Caller address for aws:SourceIp conditions.") var sourceIp: String?
    @Flag(help: "Simulate a caller signed in with MFA.") var mfa = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if whoCanReach != nil {
            guard principal == nil, target == nil else {
                throw ValidationError("--who-can-reach cannot be combined with --principal or --target")
            }
        } else if principal == nil || action == nil || target == nil {
            throw ValidationError("give --principal, --action and --target (or --who-can-reach TARGET)")
        }
    }

    func run() async throws {
        let time = try parsePolicyTime(at)
        let admin = try options.openPolicyAdministration()
        let when = ISO8601DateFormatter().string(from: time)
        try await runPolicyAdmin {
            if let reach = whoCanReach {
                let action = self.action ?? ActionCatalog.startSession
                let list = try await admin.whoCanReach(target: reach, at: time, action: action, sourceIP: sourceIp, mfa: mfa)
                if json {
                    printJSON(["Target": reach, "Action": action, "Time": when,
                               "Principals": list.map { ["Principal": $0.principal.description,
                                                         "Statement": $0.decision.statement?.description ?? "",
                                                         "Reason": $0.decision.reason] }])
                    return
                }
                if list.isEmpty { print("nobody may \(action) on \(reach) at \(when)") }
                for r in list {
                    print("\(r.principal)\t\(r.decision.statement?.description ?? r.decision.outcome.rawValue)")
                }
                return
            }
            guard let principal, let action, let target else { return }
            let d = try await admin.simulate(principal: principal, action: action, target: target, at: time,
                                             sourceIP: sourceIp, mfa: mfa)
            if json {
                printJSON(["Decision": d.allowed ? "allow" : "deny", "Outcome": d.outcome.rawValue,
                           "Statement": d.statement?.description ?? "", "Reason": d.reason, "Time": when])
                return
            }
            print(d.allowed ? "allow" : "deny")
            print("  decided by: \(d.statement?.description ?? d.outcome.rawValue)")
            print("  reason: \(d.reason)")
        }
    }
}
