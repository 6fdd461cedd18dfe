import ConsoleCore
import Foundation
import Recording
import TerminalModel

/// A replay pane on the UI thread: the I/O-free `ReplayPaneModel` plus the libvterm screen its actions draw on.
final class ReplayPaneView {
    let id: PaneID
    private(set) var model: ReplayPaneModel
    private(set) var screen: TerminalScreen
    /// Redraw every row (new screen, resize, theme change, shown again).
    var needsFull = true
    /// The fetch task, cancelled when the pane closes first.
    var loadTask: Task<Void, Never>?
    private var shownStatus = ""
    private var changed = false
    static let feedChunk = 64 * 1024

    init(id: PaneID, sessionId: String, rows: Int, cols: Int, idleLimit: Double? = 2) {
        self.id = id
        model = ReplayPaneModel(sessionId: sessionId, idleLimit: idleLimit)
        screen = TerminalScreen(rows: max(1, rows), cols: max(1, cols), scrollbackLines: 0)
        screen.feed("\u{1b}[2mfetching the recording of \(sessionId) (GetSessionRecording)…\u{1b}[m")
    }

    /// Seconds of a monotonic clock: what the model's `now` means in the console.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    func loaded(_ session: RecordedSession, now: Double) -> Bool { apply(model.loaded(session, now: now)) }
    @discardableResult
    func failed(_ message: String) -> Bool { apply(model.failed(message)) }
    func tick(now: Double) -> Bool { apply(model.tick(now: now)) }
    @discardableResult
    func handle(_ key: ReplayPaneKey, now: Double) -> Bool { apply(model.handle(key, now: now)) }

    /// Whether actions changed the screen since the last call.
    func takeChanged() -> Bool {
        defer { changed = false }
        return changed
    }

    /// Whether the status line text changed since the last call (the clock moves every second).
    func statusChanged() -> Bool {
        let s = model.statusLine
        defer { shownStatus = s }
        return s != shownStatus
    }

    /// Applies actions to the screen; true when the model asked to close the pane.
    @discardableResult
    func apply(_ actions: [ReplayPaneModel.Action]) -> Bool {
        var close = false
        if !actions.isEmpty { changed = true }
        for a in actions {
            switch a {
            case .reset(let c, let r):
                screen = TerminalScreen(rows: r, cols: c, scrollbackLines: 0)
                needsFull = true
            case .write(let b):
                // In 64 KiB pieces: libvterm 0.1.4 decodes text into a stack array as long as the rest of the
                // buffer, so one multi-megabyte feed (a seek re-render) overflows the stack.
                var i = 0
                while i < b.count {
                    let j = min(b.count, i + Self.feedChunk)
                    screen.feed(b[i..<j])
                    i = j
                }
                _ = screen.takeOutput()     // answers to terminal queries have nobody to go to
            case .resize(let c, let r):
                screen.resize(rows: r, cols: c)
                needsFull = true
            case .close: close = true
            }
        }
        return close
    }
}
