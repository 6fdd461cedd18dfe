import Foundation
import GangwayClient
import Logging

/// Log lines of the full-screen commands (`gangway`, `gangway demo`) go to a file, never to the terminal the console
/// draws on. `--log-file` (or `$GANGWAY_LOG_FILE`) names it, `none` drops them; the level is `$GANGWAY_LOG_LEVEL`
/// (default info).
enum ConsoleLogging {
    static let help = """
        File for the console's log lines (default: \(defaultDescription); also $GANGWAY_LOG_FILE; none: drop them). \
        Level: $GANGWAY_LOG_LEVEL (trace, debug, info, notice, warning, error; default info).
        """
    static let defaultDescription = "$XDG_STATE_HOME/gangway/console.log, else ~/.local/state/gangway/console.log"

    /// Bootstraps swift-log once for the process. `option`: the command's `--log-file`; `fallback`: the path used when
    /// neither it nor the environment names one (nil: drop the lines).
    static func bootstrap(option: String?, fallback: String?,
                          environment: [String: String] = ProcessInfo.processInfo.environment) {
        let level = environment["GANGWAY_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        let named = option ?? environment["GANGWAY_LOG_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        guard let path = named, path != "none" else {
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
            return
        }
        do {
            let file = try LogFile(path: path)
            LoggingSystem.bootstrap { label in file.handler(label: label, level: level) }
        } catch {
            // Said before the screen is taken over; the console runs without a log rather than not at all.
            FileHandle.standardError.write(Data("gangway: \(error.localizedDescription); log lines are dropped\n".utf8))
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        }
    }
}
