import ConsoleCore
import Foundation

/// The operations console. Runs the ncurses UI on its own thread until the user quits.
public enum ConsoleApp {
    /// Opens the console on `source`. `theme`: a theme name (themes/NAME.toml) or path; `keyOverrides`: path of a
    /// keys file (see `KeyTable.applyingOverrides`), default `~/.config/gangway/keys.toml` when it exists.
    /// Errors in the theme or keys file are thrown before the screen is taken over.
    public static func run(source: any FleetSource, theme: String = "default", keyOverrides: String? = nil) async throws {
        let library = ThemeLibrary()
        let loaded = try library.load(theme)
        var keys = KeyTable.defaults
        let keysPath = keyOverrides ?? (ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.config/gangway/keys.toml" } ?? "")
        if !keysPath.isEmpty {
            if keyOverrides != nil && !FileManager.default.fileExists(atPath: keysPath) {
                throw ConsoleError("key overrides file \(keysPath) does not exist")
            }
            keys = try keys.applyingOverrides(fromFile: keysPath)
        }
        try await run(source: source, theme: loaded, keys: keys, themes: library)
    }

    /// Opens the console with an already loaded theme and key table.
    public static func run(source: any FleetSource, theme: Theme, keys: KeyTable, themes: ThemeLibrary = ThemeLibrary()) async throws {
        guard isatty(0) != 0, isatty(1) != 0 else {
            throw ConsoleError("the console needs a terminal (stdin and stdout must be a TTY); use `gangway ls` for scripts")
        }
        let closing: [Task<Void, Never>] = await withCheckedContinuation { done in
            let thread = Thread {
                let loop = ConsoleLoop(source: source, theme: theme, keys: keys, themes: themes)
                done.resume(returning: loop.run())
            }
            thread.name = "gangway-console-ui"
            thread.stackSize = 8 << 20
            thread.start()
        }
        for t in closing { await t.value }
    }
}

extension ConsoleApp {
    /// Asks a running console to quit at its next tick (≤ 10 ms), e.g. from a SIGTERM handler; it then closes its
    /// panes' sessions and restores the terminal as on `:q`.
    public static func requestQuit() { QuitFlag.shared.set() }
    static var quitRequested: Bool { QuitFlag.shared.isSet }
}

/// A process-wide, set-once flag read by the UI thread.
final class QuitFlag: @unchecked Sendable {
    // @unchecked: `value` is only read and written while holding `lock`.
    static let shared = QuitFlag()
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

public struct ConsoleError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
