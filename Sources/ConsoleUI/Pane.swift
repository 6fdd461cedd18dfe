import ConsoleCore
import Foundation
import TerminalModel

/// Something a pane writes to its shell, in order.
enum PaneOutgoing: Sendable {
    case bytes([UInt8])
    case resize(cols: Int, rows: Int)
}

/// One embedded session pane: its screen model, its channel (once open) and its input queue.
final class Pane {
    let id: PaneID
    let target: String
    let targetName: String
    let screen: TerminalScreen
    var channel: (any ShellChannel)?
    var status: String = "connecting…"
    var opened = Date()
    var lastActivity = Date()
    /// Lines scrolled back in copy mode; 0 = live.
    var scrollback = 0
    var copyMode = false
    var needsFull = true
    static let scrollbackLines = 5_000
    private let outgoing: AsyncStream<PaneOutgoing>.Continuation
    private let outgoingStream: AsyncStream<PaneOutgoing>
    var tasks: [Task<Void, Never>] = []

    init(id: PaneID, target: String, targetName: String, rows: Int, cols: Int) {
        self.id = id
        self.target = target
        self.targetName = targetName
        screen = TerminalScreen(rows: rows, cols: cols, scrollbackLines: Self.scrollbackLines)
        (outgoingStream, outgoing) = AsyncStream.makeStream(of: PaneOutgoing.self)
    }

    /// Starts the pump (shell output → inbox) and the sender (queued keys/resizes → shell, in order).
    func attach(_ channel: any ShellChannel, inbox: UIInbox) {
        self.channel = channel
        status = ""
        opened = Date()
        let id = self.id
        let stream = outgoingStream
        tasks.append(Task.detached {
            for await e in channel.output {
                switch e {
                case .data(let b): await inbox.appendOutput(id, b)
                case .exited(let code, let message):
                    inbox.post(.paneExited(id, message ?? "session ended\(code.map { " (status \($0))" } ?? "")"))
                }
            }
        })
        tasks.append(Task.detached {
            for await o in stream {
                switch o {
                case .bytes(let b): await channel.send(b)
                case .resize(let c, let r): await channel.resize(cols: c, rows: r)
                }
            }
        })
    }

    func send(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        lastActivity = Date()
        outgoing.yield(.bytes(bytes))
    }

    /// Resizes the screen model and the remote PTY when the content size changed.
    func resize(rows: Int, cols: Int) {
        guard rows != screen.rows || cols != screen.cols, rows > 0, cols > 0 else { return }
        screen.resize(rows: rows, cols: cols)
        outgoing.yield(.resize(cols: cols, rows: rows))
        needsFull = true
    }

    /// Closes the session (terminates it) and stops the tasks.
    func close() async {
        outgoing.finish()
        if let channel { await channel.close() }
        for t in tasks { t.cancel() }
    }

    /// The pane's status line: target, session id, uptime, idle time, copy-mode position, connection state.
    /// Narrow panes get the short form (name, short session id, idle).
    func statusLine(now: Date, width: Int = 200) -> String {
        let sid = channel?.sessionId ?? "-"
        let up = Int(now.timeIntervalSince(opened))
        let idle = Int(now.timeIntervalSince(lastActivity))
        func mmss(_ s: Int) -> String { "\(s / 60):\(String(format: "%02d", s % 60))" }
        var s = " \(targetName) (\(target)) │ \(sid) │ up \(mmss(up)) │ idle \(mmss(idle))"
        if s.count > width - 8 { s = " \(targetName) │ …\(sid.suffix(6)) │ idle \(mmss(idle))" }
        if copyMode { s += " │ [copy \(scrollback)/\(screen.scrollbackCount)]" }
        if !status.isEmpty { s += " │ \(status)" }
        return s
    }

    var isRecorded: Bool { (channel as? any SessionRecordingInfo)?.isRecorded ?? false }
}
