import ArgumentParser
import GangwayClient
import ConsoleCore
import ConsoleUI
import Foundation

/// `gangway` / `gangway console`: the operations console.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "console", abstract: "Open the operations console (the default).")

    @Option(help: "Theme name (themes/NAME.toml, ~/.config/gangway/themes) or a path to a .toml file.")
    var theme: String = ProcessInfo.processInfo.environment["GANGWAY_THEME"] ?? "default"

    @Option(help: "Key overrides file (default ~/.config/gangway/keys.toml when it exists).")
    var keys: String?

    @OptionGroup var aws: AWSOptions

    @Option(help: ArgumentHelp(ConsoleLogging.help, valueName: "path"))
    var logFile: String?

    @Flag(help: .hidden)
    var fakeFleet = false

    @Option(help: .hidden)
    var fakeInstances = 12

    @Option(help: .hidden)
    var benchPane: String?

    @Option(help: .hidden)
    var benchFirstPaint: Int?

    func run() async throws {
        if let path = benchPane {
            let data = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            let t = ConsoleBench.paneThroughput(data)
            print(String(format: "pane_bytes=%d pane_seconds=%.3f pane_MBps=%.2f frames=%d", t.bytes, t.seconds, t.bytesPerSecond / 1e6, t.frames))
            return
        }
        if let n = benchFirstPaint {
            let r = ConsoleBench.firstPaint(instances: n)
            print(String(format: "first_paint_instances=%d first_paint_ms=%.1f", n, r.seconds * 1000))
            return
        }
        ConsoleLogging.bootstrap(option: logFile, fallback: LogFile.defaultConsolePath())
        let source: any FleetSource = fakeFleet
            ? FakeFleetSource(instances: fakeInstances, contextName: "fake-fleet (local shells)")
            : try makeLiveSource()
        try await ConsoleApp.run(source: source, theme: theme, keyOverrides: keys)
    }

    /// The fleet of the configured profile / --endpoint-url: AWS Systems Manager or a gangwayd.
    func makeLiveSource() throws -> any FleetSource {
        let settings = try aws.settings(service: "ssm")
        return SSMFleetSource(settings: settings, http: aws.httpClient(), tls: aws.channelTLS(endpoint: settings.endpointURL))
    }
}
