import ConsoleCore
import Foundation
import TerminalModel
#if canImport(Glibc)
import Glibc
#endif

/// Measurements behind `bench/console` (run through hidden `gangway console --bench-*` flags).
public enum ConsoleBench {
    public struct Throughput: Sendable {
        public var bytes: Int
        public var seconds: Double
        public var frames: Int
        public var bytesPerSecond: Double { Double(bytes) / seconds }
    }

    /// Parses `stream` through a pane's TerminalScreen and draws damaged rows into a surface the size of a pane,
    /// with redraws capped at 60/s of elapsed time (as the console does), plus one final frame.
    public static func paneThroughput(_ stream: [UInt8], rows: Int = 40, cols: Int = 120, chunk: Int = 64 * 1024) -> Throughput {
        let screen = TerminalScreen(rows: rows, cols: cols)
        let surface = MemorySurface(rows: rows, cols: cols)
        let renderer = PaneRenderer()
        let rect = Rect(row: 0, col: 0, rows: rows, cols: cols)
        let start = DispatchTime.now().uptimeNanoseconds
        var lastFrame: UInt64 = 0
        var frames = 0
        var i = 0
        while i < stream.count {
            let end = min(stream.count, i + chunk)
            stream[i..<end].withUnsafeBufferPointer { screen.feed($0) }
            i = end
            let now = DispatchTime.now().uptimeNanoseconds
            if now - lastFrame >= 16_666_667 {
                renderer.draw(screen, on: surface, in: rect, full: false)
                frames += 1
                lastFrame = now
            }
        }
        renderer.draw(screen, on: surface, in: rect, full: false)
        frames += 1
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Throughput(bytes: stream.count, seconds: secs, frames: frames)
    }

    /// Time to build the Fleet model for `instances` synthetic rows and draw the first frame (120x40).
    public static func firstPaint(instances: Int, rows: Int = 40, cols: Int = 120) -> (seconds: Double, screen: String) {
        let data = FakeFleetSource.synthesize(count: instances, now: Date())
        let start = DispatchTime.now().uptimeNanoseconds
        var model = FleetModel()
        model.update(data)
        let surface = MemorySurface(rows: rows, cols: cols)
        let r = ViewRenderer(theme: .builtinDefault)
        r.header(surface, context: "bench", summary: model.summary)
        r.tabBar(surface, workspace: Workspace())
        r.fleet(surface, in: Workspace.body(rows: rows, cols: cols), model: &model)
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (secs, surface.text())
    }
}

extension ConsoleBench {
    /// Like `paneThroughput`, but the stream arrives the way a session's does in the console: a real PTY running
    /// `cat FILE` (LocalPTYShell) → the console's bounded inbox → screen → damage-driven draw at ≤ 60 frames/s.
    public static func panePTYThroughput(file: String, rows: Int = 40, cols: Int = 120) async throws -> Throughput {
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let shell = try LocalPTYShell(sessionId: "bench", prompt: "bench", cols: cols, rows: rows,
                                      argv: ["/bin/sh", "-c", "stty raw -echo; exec cat \"$0\"", file])
        let inbox = UIInbox()
        let start = DispatchTime.now().uptimeNanoseconds
        let pump = Task.detached {
            for await e in shell.output { if case .data(let b) = e { await inbox.appendOutput(1, b) } }
            inbox.post(.paneExited(1, "done"))
        }
        let screen = TerminalScreen(rows: rows, cols: cols)
        let surface = MemorySurface(rows: rows, cols: cols)
        let renderer = PaneRenderer()
        let rect = Rect(row: 0, col: 0, rows: rows, cols: cols)
        var frames = 0, bytes = 0, lastFrame: UInt64 = 0, done = false
        while !done {
            var fds = [pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, inbox.hasOutput ? 0 : 10)
            inbox.drainWakeups()
            for e in inbox.takeEvents() { if case .paneExited = e { done = true } }
            let tick = DispatchTime.now().uptimeNanoseconds
            while DispatchTime.now().uptimeNanoseconds - tick < ConsoleLoop.drainBudget {   // as the console's tick
                let chunk = inbox.takeOutput(1, max: ConsoleLoop.drainChunk)
                if chunk.isEmpty { break }
                bytes += chunk.count
                screen.feed(chunk)
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if now - lastFrame >= 16_666_667 { renderer.draw(screen, on: surface, in: rect, full: false); frames += 1; lastFrame = now }
        }
        _ = await pump.value
        while true {
            let chunk = inbox.takeOutput(1, max: ConsoleLoop.drainChunk)
            if chunk.isEmpty { break }
            bytes += chunk.count
            screen.feed(chunk)
        }
        renderer.draw(screen, on: surface, in: rect, full: false)
        frames += 1
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if bytes != size { throw ConsoleError("pane-pty bench lost output: got \(bytes) of \(size) bytes") }
        return Throughput(bytes: bytes, seconds: secs, frames: frames)
    }
}
