import AWSCore
import ArgumentParser
import Foundation
import GangwayClient

/// `gangway terminate ID… | --filter KEY=VALUE…`: ends sessions (TerminateSession), by id or every active one a
/// DescribeSessions filter matches (everyone on a host before its reboot, a user's sessions during an incident).
struct TerminateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminate", abstract: "Terminate sessions by id, or every active session a filter matches.",
        discussion: """
            Examples: gangway terminate alice-0123456789abcdef0 · gangway terminate --filter Target=mi-0123… \
            · gangway terminate --filter Owner=mallory. Filters are DescribeSessions' (Target, Owner, SessionId, \
            Status, InvokedAfter, InvokedBefore); all must match. Prints one line per session; exits 1 when any could \
            not be terminated. Each session's shell is stopped on its host and the session shows Terminated.
            """)

    @OptionGroup var aws: AWSOptions

    @Argument(help: "Session ids.")
    var sessionIds: [String] = []

    @Option(name: .customLong("filter"), help: "KEY=VALUE: terminate every active session matching, e.g. Target=mi-0123… or Owner=alice.")
    var filters: [String] = []

    func validate() throws {
        if sessionIds.isEmpty && filters.isEmpty {
            throw ValidationError("name the sessions: session ids, or --filter KEY=VALUE (e.g. --filter Target=mi-0123…)")
        }
        if !sessionIds.isEmpty && !filters.isEmpty {
            throw ValidationError("give session ids or --filter, not both")
        }
    }

    func run() async throws {
        let ssm = SSMClient(settings: try aws.settings(service: "ssm"), http: aws.httpClient())
        var ids = sessionIds
        if !filters.isEmpty {
            let parsed = try filters.map(SessionsCommand.parseFilter)
            ids = try await CLIErrors.readable { try await ssm.allSessions(state: "Active", filters: parsed) }.map(\.SessionId)
            if ids.isEmpty {
                FileHandle.standardError.write(Data("no active session matches \(filters.joined(separator: " "))\n".utf8))
                return
            }
        }
        var failed = 0
        for id in ids {
            do {
                _ = try await ssm.terminateSession(sessionId: id)
                print("terminated \(TerminalSafeText.make(id))")
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("\(TerminalSafeText.make(id)): \(TerminalSafeText.make("\(error)"))\n".utf8))
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
