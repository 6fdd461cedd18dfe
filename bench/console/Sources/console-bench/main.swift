import ConsoleCore
import ConsoleUI
import Foundation

// console-bench pane FILE [rows cols]   → parse+draw throughput of the pane renderer
// console-bench first-paint N           → fleet model + first frame with N synthetic instances
let args = CommandLine.arguments
switch args.count > 1 ? args[1] : "" {
case "pane":
    let data = try Array(Data(contentsOf: URL(fileURLWithPath: args[2])))
    let rows = args.count > 3 ? Int(args[3]) ?? 40 : 40, cols = args.count > 4 ? Int(args[4]) ?? 120 : 120
    _ = ConsoleBench.paneThroughput(Array(data.prefix(1 << 20)), rows: rows, cols: cols)   // warm-up
    let t = ConsoleBench.paneThroughput(data, rows: rows, cols: cols)
    print(String(format: "pane bytes=%d seconds=%.3f MB/s=%.1f frames=%d fps=%.1f", t.bytes, t.seconds,
                 t.bytesPerSecond / 1e6, t.frames, Double(t.frames) / t.seconds))
case "pane-pty":
    let t = try await ConsoleBench.panePTYThroughput(file: args[2])
    print(String(format: "pane-pty bytes=%d seconds=%.3f MB/s=%.1f frames=%d fps=%.1f", t.bytes, t.seconds,
                 t.bytesPerSecond / 1e6, t.frames, Double(t.frames) / t.seconds))
case "first-paint":
    let n = Int(args[2]) ?? 10_000
    _ = ConsoleBench.firstPaint(instances: 100)
    var best = Double.infinity
    for _ in 0..<5 { best = min(best, ConsoleBench.firstPaint(instances: n).seconds) }
    print(String(format: "first-paint instances=%d ms=%.1f", n, best * 1000))
default:
    print("usage: console-bench pane FILE [rows cols] | pane-pty FILE | first-paint N")
    exit(2)
}
