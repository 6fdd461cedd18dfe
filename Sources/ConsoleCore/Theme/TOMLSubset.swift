/// A tiny TOML subset for themes and key overrides (TOMLKit does not resolve in this environment).
///
/// Supported: `# comments`, `[section]` headers, `key = value` with bare or quoted keys, values that are
/// "double-quoted strings" (with \" \\ \n \t escapes), integers, true/false, and one-line arrays of those.
/// Anything else is rejected with the file name and line number.
public enum TOMLValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([TOMLValue])

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
}

/// One `key = value` with where it came from, so later checks can name the line.
public struct TOMLEntry: Sendable, Hashable {
    public var section: String
    public var key: String
    public var value: TOMLValue
    public var line: Int
}

public struct TOMLError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    public var description: String { "\(file):\(line): \(message)" }
}

public enum TOMLSubset {
    /// Parses `text`; `file` is used in error messages only. Entries keep file order.
    public static func parse(_ text: String, file: String) throws -> [TOMLEntry] {
        var section = ""
        var entries: [TOMLEntry] = []
        var seen = Set<String>()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = i + 1
            var line = Substring(stripComment(String(raw)))
            line = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            while let l = line.last, l == " " || l == "\t" || l == "\r" { line.removeLast() }
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
                    throw TOMLError(file: file, line: lineNo, message: "malformed section header '\(line)'; write [name]")
                }
                section = line.dropFirst().dropLast().trimmingSpaces()
                if section.isEmpty { throw TOMLError(file: file, line: lineNo, message: "empty section name") }
                continue
            }
            guard let eq = indexOfEquals(line) else {
                throw TOMLError(file: file, line: lineNo, message: "expected 'key = value', got '\(line)'")
            }
            var key = line[..<eq].trimmingSpaces()
            if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
            if key.isEmpty { throw TOMLError(file: file, line: lineNo, message: "missing key before '='") }
            let valueText = line[line.index(after: eq)...].trimmingSpaces()
            var cursor = Substring(valueText)
            let value: TOMLValue
            do {
                value = try parseValue(&cursor)
                cursor = cursor.drop { $0 == " " || $0 == "\t" }
                if !cursor.isEmpty { throw Msg("unexpected text after value: '\(cursor)'") }
            } catch let m as Msg {
                throw TOMLError(file: file, line: lineNo, message: "\(m.text) (key '\(key)')")
            }
            let full = section + "." + key
            if !seen.insert(full).inserted {
                throw TOMLError(file: file, line: lineNo, message: "duplicate key '\(key)' in [\(section)]")
            }
            entries.append(TOMLEntry(section: section, key: key, value: value, line: lineNo))
        }
        return entries
    }

    private struct Msg: Error { var text: String; init(_ t: String) { text = t } }

    private static func stripComment(_ s: String) -> String {
        var inString = false, escaped = false
        var out = ""
        for ch in s {
            if inString {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inString = false }
            } else if ch == "\"" {
                inString = true
            } else if ch == "#" {
                break
            }
            out.append(ch)
        }
        return out
    }

    private static func indexOfEquals(_ s: Substring) -> Substring.Index? {
        var inString = false
        var i = s.startIndex
        while i < s.endIndex {
            let ch = s[i]
            if ch == "\"" { inString.toggle() }
            if ch == "=" && !inString { return i }
            i = s.index(after: i)
        }
        return nil
    }

    private static func parseValue(_ s: inout Substring) throws -> TOMLValue {
        s = s.drop { $0 == " " || $0 == "\t" }
        guard let first = s.first else { throw Msg("missing value") }
        if first == "\"" {
            s.removeFirst()
            var out = ""
            while let ch = s.first {
                s.removeFirst()
                if ch == "\"" { return .string(out) }
                if ch == "\\" {
                    guard let e = s.first else { break }
                    s.removeFirst()
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\"": out.append("\"")
                    case "\\": out.append("\\")
                    default: throw Msg("unsupported escape '\\\(e)' in string")
                    }
                } else {
                    out.append(ch)
                }
            }
            throw Msg("unterminated string")
        }
        if first == "[" {
            s.removeFirst()
            var items: [TOMLValue] = []
            while true {
                s = s.drop { $0 == " " || $0 == "\t" }
                if s.first == "]" { s.removeFirst(); return .array(items) }
                items.append(try parseValue(&s))
                s = s.drop { $0 == " " || $0 == "\t" }
                if s.first == "," { s.removeFirst(); continue }
                if s.first == "]" { s.removeFirst(); return .array(items) }
                throw Msg("expected ',' or ']' in array")
            }
        }
        let word = s.prefix { !($0 == " " || $0 == "\t" || $0 == "," || $0 == "]") }
        s = s.dropFirst(word.count)
        if word == "true" { return .bool(true) }
        if word == "false" { return .bool(false) }
        if let n = Int(word.replacingOccurrences(of: "_", with: "")) { return .integer(n) }
        throw Msg("unsupported value '\(word)'; use a \"quoted string\", a number, true/false or [a, list]")
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        s = s.drop { $0 == " " || $0 == "\t" }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
