import AWSCore
import ArgumentParser
import ConsoleCore
import Foundation
import GangwayClient

/// `gangway sessions [--history]`: active (or ended) sessions as a table or JSON.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List sessions.",
        discussion: "Filters: Target=i-…, Owner=…, Status=Connected, SessionId=…, InvokedAfter=…, InvokedBefore=… (repeatable).")

    @OptionGroup var aws: AWSOptions

    @Flag(help: "Show ended sessions instead of active ones.")
    var history = false

    @Option(help: "table or json.")
    var output: OutputFormat = .table

    @Option(name: .customLong("filter"), help: "KEY=VALUE, e.g. Target=mi-0123… or Owner=alice.")
    var filters: [String] = []

    @Option(help: "At most this many sessions.")
    var limit: Int = 1000

    func run() async throws {
        let parsed = try filters.map(Self.parseFilter)
        let ssm = SSMClient(settings: try aws.settings(service: "ssm"), http: aws.httpClient())
        let rows = try await CLIErrors.readable {
            try await ssm.allSessions(state: history ? "History" : "Active", filters: parsed, limit: limit)
        }.map(SessionRow.init)
        switch output {
        case .table: print(FleetTables.sessions(rows, now: Date(), history: history).render(), terminator: "")
        case .json: print(try FleetTables.json(rows), terminator: "")
        }
    }

    static func parseFilter(_ text: String) throws -> SessionFilter {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw ValidationError("filter '\(text)' is not KEY=VALUE (e.g. Target=mi-0123…, Owner=alice)")
        }
        return SessionFilter(key: String(text[..<eq]), value: String(text[text.index(after: eq)...]))
    }
}
