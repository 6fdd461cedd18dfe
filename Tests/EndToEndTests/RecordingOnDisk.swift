import Foundation

/// An asciicast v2 file as it lies on disk, parsed independently of the Recording module (the format is public:
/// header object on line 1, then one `[time, code, data]` array per line).
struct RecordingOnDisk {
    let header: [String: Any]
    let events: [(time: Double, code: String, data: String)]
    /// Bytes after the last newline that do not parse (a write torn by a crash), nil if the file ends cleanly.
    let tornTail: String?

    /// Parses `path`; throws naming the first bad line. Only the last, unterminated line may be incomplete.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw HarnessError("no recording at \(path)") }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var torn: String?
        if let last = lines.last {
            lines.removeLast()  // "" when the file ends with a newline, else an unterminated (torn) line
            if !last.isEmpty { torn = String(decoding: last, as: UTF8.self) }
        }
        guard let first = lines.first,
              let h = try? JSONSerialization.jsonObject(with: Data(first)) as? [String: Any] else {
            throw HarnessError("\(path): line 1 is not an asciicast header object")
        }
        guard h["version"] as? Int == 2, h["width"] is Int, h["height"] is Int else {
            throw HarnessError("\(path): header is not asciicast v2 with width/height: \(h)")
        }
        var parsed: [(Double, String, String)] = []
        for (i, line) in lines.dropFirst().enumerated() {
            guard let a = try? JSONSerialization.jsonObject(with: Data(line)) as? [Any], a.count == 3,
                  let t = (a[0] as? NSNumber)?.doubleValue, let code = a[1] as? String, let d = a[2] as? String else {
                throw HarnessError("\(path): line \(i + 2) is not a [time, code, data] event: \(String(decoding: line.prefix(200), as: UTF8.self))")
            }
            parsed.append((t, code, d))
        }
        if let t = torn, let a = try? JSONSerialization.jsonObject(with: Data(t.utf8)) as? [Any], a.count == 3 {
            // A complete event that only lacks its newline is not torn; keep it.
            if let time = (a[0] as? NSNumber)?.doubleValue, let code = a[1] as? String, let d = a[2] as? String {
                parsed.append((time, code, d))
                torn = nil
            }
        }
        header = h
        events = parsed
        tornTail = torn
    }

    /// Every `o` event's data, concatenated, as UTF-8 bytes.
    var output: [UInt8] { events.filter { $0.code == "o" }.flatMap { Array($0.data.utf8) } }
    /// Every `i` event's data, concatenated.
    var input: String { events.filter { $0.code == "i" }.map(\.data).joined() }
    var markers: [String] { events.filter { $0.code == "m" }.map(\.data) }
    var timesAreOrdered: Bool { zip(events, events.dropFirst()).allSatisfy { $0.time <= $1.time } }
}

/// How many bytes at the end of `bytes` are an incomplete UTF-8 character (0–3): a terminal cannot show them yet,
/// and an asciicast file (JSON text) cannot hold them until the rest arrives.
func incompleteUTF8Tail(_ bytes: [UInt8]) -> Int {
    for back in 1...min(4, bytes.count) {
        let b = bytes[bytes.count - back]
        if b & 0xC0 == 0x80 { continue }  // continuation byte: keep looking for the lead byte
        let needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        return needed > back ? back : 0
    }
    return 0
}

/// Files under `root` (recursively) whose bytes contain `needle`.
func filesContaining(_ needle: String, under root: String) -> [String] {
    let n = Array(needle.utf8)
    var hits: [String] = []
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    for case let relative as String in walker {
        let path = root + "/" + relative
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
              let data = FileManager.default.contents(atPath: path) else { continue }
        if data.range(of: Data(n)) != nil { hits.append(relative) }
    }
    return hits
}

/// Every regular file under `root`, relative paths (to say what a scan covered).
func allFiles(under root: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    return walker.compactMap { $0 as? String }.filter {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isDir) && !isDir.boolValue
    }
}

/// A short random token for strings the test types and then looks for on disk.
func randomToken() -> String { String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)) }
