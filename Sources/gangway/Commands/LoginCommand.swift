import ArgumentParser
import ChannelIO
import AWSCore
import ControlPlane
import Foundation
import GangwayClient

/// `gangway login --oidc`: single sign-on. Device-code login at an OpenID Connect IdP (RFC 8628), then STS
/// AssumeRoleWithWebIdentity (gangwayd or AWS), and the temporary credentials stored as an AWS CLI profile.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Sign in with single sign-on and store temporary AWS credentials in a profile.",
        discussion: """
            Shows a URL and a code to approve in a browser (any device), then exchanges the ID token for \
            temporary credentials with STS AssumeRoleWithWebIdentity at --endpoint-url (gangwayd) or AWS STS, \
            and writes them to the profile in ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE), keeping \
            everything else in that file. Settings missing from the command line come from the profile in \
            ~/.aws/config (AWS_CONFIG_FILE): gangway_oidc_issuer, gangway_oidc_client_id, gangway_role_arn, \
            gangway_oidc_scope, gangway_session_duration, endpoint_url (or sts.endpoint_url), region. \
            So with [profile sso] set up, `gangway login --oidc --profile sso` is enough.
            """)

    @Flag(help: "Sign in with OpenID Connect (device code flow). Required: the only login method so far.")
    var oidc = false

    @Option(help: "OpenID Connect issuer URL (its /.well-known/openid-configuration is read).")
    var issuer: String?

    @Option(help: "OAuth client id registered at the IdP for the device code flow.")
    var clientId: String?

    @Option(help: "Role to assume, e.g. arn:aws:iam::123456789012:role/operators.")
    var roleArn: String?

    @Option(help: "Profile to read settings from and store the credentials in (default: $AWS_PROFILE or 'default').")
    var profile: String?

    @Option(help: "STS endpoint (a self-hosted gangwayd's URL); default: the profile's endpoint_url, else AWS STS.")
    var endpointURL: String?

    @Option(help: "Region of the AWS STS endpoint (default: $AWS_REGION or the profile's region).")
    var region: String?

    @Option(help: "Lifetime of the credentials in seconds, 900 to 43200 (default: the server's, 1 h on AWS).")
    var duration: Int?

    @Option(help: "Role session name (default: your e-mail or user name from the ID token).")
    var sessionName: String?

    @Option(help: "Scopes besides openid, space-separated (e.g. \"groups email\").")
    var scope: String?

    @Flag(help: "Do not try to open a browser; only print the URL and code.")
    var noBrowser = false

    @Option(help: "PEM CA certificate to trust for a self-signed IdP or gangwayd (also $AWS_CA_BUNDLE).")
    var caFile: String?

    func validate() throws {
        guard oidc else {
            throw ValidationError("pass --oidc: single sign-on with OpenID Connect is the only login method so far")
        }
    }

    func run() async throws {
        let settings: OIDCLoginSettings
        do {
            settings = try OIDCLoginSettings.resolve(.init(
                profile: profile, issuer: issuer, clientId: clientId, roleArn: roleArn, scope: scope,
                durationSeconds: duration, sessionName: sessionName, endpointURL: endpointURL, region: region))
        } catch let e as LoginError {
            throw CLIError(e.message)
        }
        let login = OIDCLogin(http: HTTPClient(configuration: .init(caFile: caFile)))
        let openBrowser = !noBrowser
        let signals = await SignalWaiter.install([SIGINT, SIGTERM, SIGHUP])
        let outcome: OIDCLoginResult? = try await withThrowingTaskGroup(of: OIDCLoginResult?.self) { group in
            group.addTask { try await login.run(settings, progress: { Self.report($0, openBrowser: openBrowser) }) }
            group.addTask { await signals.wait(); return nil }
            defer { group.cancelAll() }
            do {
                return try await group.next() ?? nil
            } catch is CancellationError {
                return nil
            } catch let e as LoginError {
                throw CLIError(e.message)
            }
        }
        guard let result = outcome else {
            Self.say("login cancelled; \(settings.credentialsPath) was not changed")
            throw ExitCode(130)
        }
        let who = result.user.map { "as \($0) " } ?? ""
        let role = result.assumedRoleArn.map { " (\($0))" } ?? ""
        Self.say("logged in \(who)until \(Self.format(result.expiration))\(role)")
        Self.say("credentials stored in profile '\(result.profile)' of \(result.credentialsPath); use --profile \(result.profile) with gangway or the AWS CLI")
    }

    static func report(_ p: OIDCLoginProgress, openBrowser: Bool) {
        switch p {
        case .device(.prompt(let prompt)):
            say(prompt.instructions)
            say("the code is valid for \(minutes(prompt.expiresIn))")
            if openBrowser { BrowserOpener.open(prompt.browserURL) }
        case .device(.waiting(let interval)):
            say("waiting for the sign-in to be approved… (checking every \(interval) s; Ctrl-C cancels)")
        case .assumingRole(let role, let endpoint):
            say("signed in; getting credentials for \(role) from \(endpoint)…")
        }
    }

    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func minutes(_ seconds: Int) -> String {
        seconds >= 120 ? "\(seconds / 60) min" : "\(seconds) s"
    }

    static func format(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: d)
    }
}

/// Opens a URL in the user's browser when there is a desktop to open it on; silently does nothing otherwise
/// (the URL is printed anyway).
enum BrowserOpener {
    static func open(_ url: String) {
        #if os(macOS)
        let tool = "/usr/bin/open"
        #else
        let env = ProcessInfo.processInfo.environment
        guard env["DISPLAY"] != nil || env["WAYLAND_DISPLAY"] != nil else { return }
        guard let tool = ["/usr/bin/xdg-open", "/usr/local/bin/xdg-open"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return }
        #endif
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = [url]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try? p.run()
    }
}
