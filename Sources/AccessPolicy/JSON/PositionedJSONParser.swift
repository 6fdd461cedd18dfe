/// A strict JSON (RFC 8259) parser that records the line and column of every value and object key.
///
/// Foundation's `JSONSerialization` loses positions; policy authors need "line 7, column 15: …" to fix a document.
/// Duplicate keys in one object are rejected (IAM silently keeps the last one, which hides mistakes).
public struct PositionedJSONParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    /// Deep nesting is never a valid policy; the limit keeps recursion bounded on hostile input.
    private let maxDepth = 64

    public init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Parses the whole text as one JSON value.
    public static func parse(_ text: String) throws(PolicyError) -> PositionedJSON {
        var parser = PositionedJSONParser(text)
        parser.skipWhitespace()
        if parser.atEnd { throw parser.error("the document is empty; expected a JSON object such as {\"Version\": \"2012-10-17\", \"Statement\": […]}") }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if !parser.atEnd { throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON document") }
        return value
    }

    private var atEnd: Bool { index >= scalars.count }
    private var current: Unicode.Scalar? { atEnd ? nil : scalars[index] }
    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private func error(_ message: String, at pos: SourcePosition? = nil) -> PolicyError {
        PolicyError(position: pos ?? position, message: message)
    }

    private func describeCurrent() -> String {
        guard let c = current else { return "end of input" }
        if c == "\n" { return "end of line" }
        return "'\(Character(c))'"
    }

    private mutating func advance() {
        guard let c = current else { return }
        index += 1
        if c == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
    }

    private mutating func expect(_ s: Unicode.Scalar, _ what: String) throws(PolicyError) {
        guard current == s else { throw error("expected \(what), found \(describeCurrent())") }
        advance()
    }

    private mutating func parseValue(depth: Int) throws(PolicyError) -> PositionedJSON {
        if depth > maxDepth { throw error("the document is nested more than \(maxDepth) levels deep") }
        let start = position
        guard let c = current else { throw error("expected a value, found end of input") }
        switch c {
        case "{": return PositionedJSON(value: try parseObject(depth: depth), position: start)
        case "[": return PositionedJSON(value: try parseArray(depth: depth), position: start)
        case "\"": return PositionedJSON(value: .string(try parseString()), position: start)
        case "t": try parseLiteral("true"); return PositionedJSON(value: .bool(true), position: start)
        case "f": try parseLiteral("false"); return PositionedJSON(value: .bool(false), position: start)
        case "n": try parseLiteral("null"); return PositionedJSON(value: .null, position: start)
        case "-", "0"..."9": return PositionedJSON(value: .number(try parseNumber()), position: start)
        case "'": throw error("strings must use double quotes (\"), not single quotes")
        default: throw error("expected a value (object, array, string, number, true, false or null), found \(describeCurrent())")
        }
    }

    private mutating func parseLiteral(_ word: String) throws(PolicyError) {
        let start = position
        for s in word.unicodeScalars {
            guard current == s else { throw error("invalid literal; did you mean \(word)?", at: start) }
            advance()
        }
    }

    private mutating func parseObject(depth: Int) throws(PolicyError) -> JSONValue {
        advance() // {
        var members: [JSONMember] = []
        var seen: [String: SourcePosition] = [:]
        skipWhitespace()
        if current == "}" { advance(); return .object(members) }
        while true {
            skipWhitespace()
            let keyPos = position
            guard current == "\"" else {
                if current == "}" { throw error("trailing comma before '}' is not allowed in JSON") }
                throw error("expected a quoted member name, found \(describeCurrent())")
            }
            let key = try parseString()
            if let first = seen[key] {
                throw error("duplicate key \"\(key)\" (first defined at \(first))", at: keyPos)
            }
            seen[key] = keyPos
            skipWhitespace()
            try expect(":", "':' after member name \"\(key)\"")
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(JSONMember(key: key, keyPosition: keyPos, value: value))
            skipWhitespace()
            if current == "," { advance(); continue }
            if current == "}" { advance(); return .object(members) }
            throw error("expected ',' or '}' after the value of \"\(key)\", found \(describeCurrent())")
        }
    }

    private mutating func parseArray(depth: Int) throws(PolicyError) -> JSONValue {
        advance() // [
        var items: [PositionedJSON] = []
        skipWhitespace()
        if current == "]" { advance(); return .array(items) }
        while true {
            skipWhitespace()
            if current == "]" { throw error("trailing comma before ']' is not allowed in JSON") }
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == "," { advance(); continue }
            if current == "]" { advance(); return .array(items) }
            throw error("expected ',' or ']' in array, found \(describeCurrent())")
        }
    }

    private mutating func parseString() throws(PolicyError) -> String {
        let start = position
        advance() // opening quote
        var out = String.UnicodeScalarView()
        while true {
            guard let c = current else { throw error("unterminated string (started at \(start))") }
            if c == "\"" { advance(); return String(out) }
            if c == "\n" { throw error("unterminated string (started at \(start)); strings cannot span lines") }
            if c.value < 0x20 { throw error("control character U+\(hex4(c.value)) must be escaped in a string") }
            if c == "\\" {
                advance()
                guard let e = current else { throw error("unterminated escape sequence") }
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "u":
                    advance()
                    let scalar = try parseUnicodeEscape()
                    out.append(scalar)
                    continue
                default: throw error("invalid escape '\\\(Character(e))' in string")
                }
                advance()
                continue
            }
            out.append(c)
            advance()
        }
    }

    /// Reads the 4 hex digits after `\u` (the cursor is on the first digit); joins surrogate pairs.
    private mutating func parseUnicodeEscape() throws(PolicyError) -> Unicode.Scalar {
        let escapePos = position
        let high = try readHex4()
        if (0xD800...0xDBFF).contains(high) {
            guard current == "\\" else { throw error("unpaired UTF-16 surrogate in \\u escape", at: escapePos) }
            advance()
            guard current == "u" else { throw error("unpaired UTF-16 surrogate in \\u escape", at: escapePos) }
            advance()
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid UTF-16 surrogate pair", at: escapePos) }
            let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            return Unicode.Scalar(value)!
        }
        guard let scalar = Unicode.Scalar(high) else { throw error("unpaired UTF-16 surrogate in \\u escape", at: escapePos) }
        return scalar
    }

    private mutating func readHex4() throws(PolicyError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current, let d = hexDigit(c) else { throw error("expected 4 hex digits after \\u") }
            v = v * 16 + d
            advance()
        }
        return v
    }

    private func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 48
        case "a"..."f": c.value - 87
        case "A"..."F": c.value - 55
        default: nil
        }
    }

    private mutating func parseNumber() throws(PolicyError) -> String {
        var text = ""
        func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { ("0"..."9").contains($0) } ?? false }
        if current == "-" { text.unicodeScalars.append("-"); advance() }
        guard isDigit(current) else { throw error("expected a digit in number, found \(describeCurrent())") }
        if current == "0" {
            text.unicodeScalars.append("0"); advance()
            if isDigit(current) { throw error("numbers cannot have leading zeros") }
        } else {
            while isDigit(current) { text.unicodeScalars.append(current!); advance() }
        }
        if current == "." {
            text.unicodeScalars.append("."); advance()
            guard isDigit(current) else { throw error("expected a digit after the decimal point") }
            while isDigit(current) { text.unicodeScalars.append(current!); advance() }
        }
        if current == "e" || current == "E" {
            text.unicodeScalars.append(current!); advance()
            if current == "+" || current == "-" { text.unicodeScalars.append(current!); advance() }
            guard isDigit(current) else { throw error("expected a digit in the exponent") }
            while isDigit(current) { text.unicodeScalars.append(current!); advance() }
        }
        return text
    }
}

private func hex4(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
