import AWSCore
import ArgumentParser
import ConsoleCore
import Foundation
import GangwayClient

/// `gangway ls`: the fleet as a table or JSON.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List managed instances.",
        discussion: "Filters: tag:KEY=VALUE, PingStatus=Online, PlatformTypes=Linux, InstanceIds=i-1,i-2 (repeatable; all must match).")

    @OptionGroup var aws: AWSOptions

    @Option(help: "table or json.")
    var output: OutputFormat = .table

    @Option(name: .customLong("filter"), help: "KEY=VALUE[,VALUE…], e.g. tag:env=prod or PingStatus=Online.")
    var filters: [String] = []

    func run() async throws {
        let parsed = try filters.map(Self.parseFilter)
        let ssm = SSMClient(settings: try aws.settings(service: "ssm"), http: aws.httpClient())
        let rows = try await CLIErrors.readable { try await ssm.allInstances(filters: parsed) }
            .map(InstanceRow.init)
            .sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        switch output {
        case .table: print(FleetTables.instances(rows, now: Date()).render(), terminator: "")
        case .json: print(try FleetTables.json(rows), terminator: "")
        }
    }

    static func parseFilter(_ text: String) throws -> InstanceInformationStringFilter {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw ValidationError("filter '\(text)' is not KEY=VALUE (e.g. tag:env=prod, PingStatus=Online)")
        }
        let values = text[text.index(after: eq)...].split(separator: ",").map(String.init)
        guard !values.isEmpty else { throw ValidationError("filter '\(text)' has no value") }
        return InstanceInformationStringFilter(key: String(text[..<eq]), values: values)
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Turns API and transport errors into one-line messages for the CLI.
enum CLIErrors {
    static func readable<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as AWSError {
            throw CLIError("\(e)")
        } catch let e as HTTPClientError {
            throw CLIError("\(e)")
        }
    }
}

/// A runtime failure: ArgumentParser prints "Error: <message>" and exits 1, without the usage text
/// it shows for ValidationError.
struct CLIError: Error, CustomStringConvertible, LocalizedError {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
    var errorDescription: String? { message }
}
