/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`:
/// `[section]`, `key = value`, `#`/`;` comment lines, and indented sub-keys under an empty value
/// (`s3 =\n  endpoint_url = …`), which are stored as `s3.endpoint_url`. Keys are case-sensitive as in botocore.
public struct INIFile: Sendable, Equatable {
    /// Section name (as written inside the brackets, trimmed) → keys.
    public private(set) var sections: [String: [String: String]] = [:]
    /// Section names in file order.
    public private(set) var sectionOrder: [String] = []

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var reason: String
        public var description: String { "\(file):\(line): \(reason)" }
    }

    public init() {}

    /// Parses `text`; `file` names it in errors.
    public init(parsing text: String, file: String) throws {
        var current: String? = nil
        var parentKey: String? = nil  // key with empty value whose indented lines follow
        var lineNo = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNo += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indented = line.first == " " || line.first == "\t"

            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count >= 3 else {
                    throw ParseError(file: file, line: lineNo, reason: "section header '\(trimmed.prefix(80))' is not of the form [name]")
                }
                let name = String(trimmed.dropFirst().dropLast().trimmingSpaces())
                if sections[name] == nil { sections[name] = [:]; sectionOrder.append(name) }
                current = name
                parentKey = nil
                continue
            }
            guard let section = current else {
                throw ParseError(file: file, line: lineNo, reason: "'\(trimmed.prefix(80))' appears before any [section] header")
            }
            guard let eq = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw ParseError(file: file, line: lineNo, reason: "expected 'key = value' in [\(section)], got '\(trimmed.prefix(80))'")
            }
            let key = String(trimmed[..<eq].trimmingSpaces())
            let value = String(trimmed[trimmed.index(after: eq)...].trimmingSpaces())
            guard !key.isEmpty else {
                throw ParseError(file: file, line: lineNo, reason: "empty key in [\(section)]")
            }
            if indented, let parent = parentKey {
                sections[section]?["\(parent).\(key)"] = value
            } else {
                sections[section]?[key] = value
                parentKey = value.isEmpty ? key : nil
            }
        }
    }

    public subscript(section: String) -> [String: String]? { sections[section] }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}
