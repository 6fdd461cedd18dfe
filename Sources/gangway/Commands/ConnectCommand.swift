import AWSCore
import ArgumentParser
import ChannelIO
import Foundation
import GangwayClient

/// `gangway connect TARGET`: an interactive shell on a managed instance, like `aws ssm start-session`,
/// with the remote exit code, `~.` escape, resize and resume.
struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Open an interactive shell on a target.",
        discussion: """
            TARGET is an instance id (i-…, mi-…), a Name/ComputerName, or a unique prefix of either. \
            Exits with the remote shell's exit status; 255 when the session ended without one (terminated, timed \
            out, failed, connection lost, or ended with ~.). Type ~. after a newline to end a wedged session, ~? for help.
            """)

    @Argument(help: "Instance id, name, or unique prefix.")
    var target: String

    @OptionGroup var aws: AWSOptions

    @Option(help: "Reason recorded with the session (StartSession Reason).")
    var reason: String?

    @Option(help: "Session document to run (default: the server's shell document).")
    var document: String?

    func run() async throws {
        EventLoopConcurrency.install()  // before any task starts: see EventLoopConcurrency
        let settings = try aws.settings(service: "ssm")
        let ssm = SSMClient(settings: settings, http: aws.httpClient())
        let instanceId: String
        do {
            instanceId = try await CLIErrors.readable { try await ssm.resolveConnectTarget(target) }
        } catch let e as ConnectError {
            throw CLIError(e.message)
        }
        let size = TerminalRawMode.windowSize(fd: STDOUT_FILENO) ?? TerminalRawMode.windowSize(fd: STDIN_FILENO)
            ?? (Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80, Int(ProcessInfo.processInfo.environment["LINES"] ?? "") ?? 24)
        // The remote output goes to the terminal from the data channel's loop as it is read (held until the terminal
        // is set up in ConnectTerminal.run).
        let terminal = TerminalOutput(fd: STDOUT_FILENO)
        let shell: SSMShellSession
        do {
            shell = try await CLIErrors.readable {
                try await SSMShellSession.start(ssm: ssm, target: instanceId, reason: reason, documentName: document,
                                                cols: size.cols, rows: size.rows, tls: aws.channelTLS(endpoint: settings.endpointURL),
                                                directOutput: terminal)
            }
        } catch let e as ShellSessionError {
            throw CLIError(e.description)
        }
        let status = await ConnectTerminal.run(shell, output: terminal)
        throw ExitCode(status)
    }
}

/// Credential, region and endpoint options shared by `connect`, `ls` and `sessions`
/// (resolved like the AWS CLI: flags, then environment, then ~/.aws files).
struct AWSOptions: ParsableArguments {
    @Option(help: "AWS profile in ~/.aws/credentials / ~/.aws/config (default: $AWS_PROFILE or 'default').")
    var profile: String?

    @Option(help: "API endpoint, e.g. https://gangwayd.example:8443 for a self-hosted gangwayd (default: AWS).")
    var endpointURL: String?

    @Option(help: "Region to sign for and to reach AWS in (default: $AWS_REGION or the profile's region).")
    var region: String?

    @Option(help: "PEM CA certificate to trust for a self-signed gangwayd (also $AWS_CA_BUNDLE).")
    var caFile: String?

    @Option(help: "TLS server name to verify for wss:// data channels instead of the URL's host (e.g. an IP address the certificate does not list).")
    var tlsServerName: String?

    func validate() throws {
        for (name, value) in [("--region", region), ("--profile", profile), ("--endpoint-url", endpointURL)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("\(name) is empty; give a value or leave the option out")
            }
        }
        if let caFile {
            do { try CAFileCheck.validate(caFile) } catch { throw ValidationError("\(error)") }
        }
    }

    func settings(service: String) throws -> AWSClientSettings {
        do {
            return try AWSClientSettings.resolve(service: service, profile: profile, region: region, endpointURL: endpointURL)
        } catch let e as AWSConfigError {
            throw CLIError(e.message)
        }
    }

    func httpClient() -> HTTPClient {
        HTTPClient(configuration: .init(caFile: caFile))
    }

    func channelTLS(endpoint: String) -> ChannelTLS {
        SSMFleetSource.channelTLS(endpoint: endpoint, caFile: caFile, serverName: tlsServerName)
    }
}
