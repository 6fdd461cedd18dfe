import Foundation
import Testing

/// Runs a command inside a private tmux server (its own socket) and reads the screen like a user would.
public final class TmuxHarness {
    public let socket = "gw-uitest-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    public let session = "ui"

    public init() {}

    /// Runs tmux with posix_spawn and waitpid (Foundation.Process can miss the exit of a tmux client whose
    /// server inherited its descriptors). Output goes through a temp file, only when asked.
    @discardableResult
    public func tmux(_ args: [String], capture: Bool = false) -> String {
        let outPath = NSTemporaryDirectory() + "\(socket)-\(UInt32.random(in: 0...UInt32.max)).out"
        let argv = ["tmux", "-L", socket] + args
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        // Default signal handling for tmux and its panes (the test runner may ignore SIGHUP, which would keep
        // pane processes alive after kill-server).
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "tmux", &actions, &attr, &cargs, environ) == 0 else { return "" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard capture else { return "" }
        defer { unlink(outPath) }
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    public func start(_ command: String, cols: Int, rows: Int, env: [String: String]) {
        let exports = env.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        tmux(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(cols)", "-y", "\(rows)",
              "env \(exports) \(command); echo EXITED $?; exec cat"])
    }

    public func keys(_ k: String...) { tmux(["send-keys", "-t", session] + k) }
    public func type(_ text: String) { tmux(["send-keys", "-t", session, "-l", text]) }
    public func screen() -> String { tmux(["capture-pane", "-t", session, "-p"], capture: true) }
    public func resize(cols: Int, rows: Int) { tmux(["resize-window", "-t", session, "-x", "\(cols)", "-y", "\(rows)"]) }
    public func stop() { tmux(["kill-server"]) }

    /// Waits until `predicate(screen)` holds (polling the real screen), or records an issue showing the screen.
    @discardableResult
    public func waitFor(_ what: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
                 _ predicate: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var s = ""
        while Date() < deadline {
            s = screen()
            if predicate(s) { return s }
            usleep(100_000)
        }
        Issue.record("timed out waiting for \(what); screen was:\n\(s)", sourceLocation: sourceLocation)
        return s
    }

    /// Types `command`, presses Enter and waits until `text` is on the screen.
    @discardableResult
    public func run(_ command: String, until text: String, timeout: Double = 20,
                    sourceLocation: SourceLocation = #_sourceLocation) -> String {
        type(command)
        keys("Enter")
        return waitFor(text: text, timeout: timeout, sourceLocation: sourceLocation)
    }

    public func waitFor(text: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        waitFor("'\(text)'", timeout: timeout, sourceLocation: sourceLocation) { $0.contains(text) }
    }
}
