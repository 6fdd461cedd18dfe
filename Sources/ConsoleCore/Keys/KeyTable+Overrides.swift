import Foundation

extension KeyTable {
    /// Applies user overrides from a keys file (TOML subset):
    /// ```
    /// [keys]
    /// prefix = "ctrl-a"
    /// "fleet.connect" = ["enter", "o"]     # replaces the keys of that action
    /// "sessions.terminate" = []            # unbinds it
    /// ```
    /// Unknown actions and key names are errors naming the file and line.
    public func applyingOverrides(_ text: String, file: String) throws -> KeyTable {
        var table = self
        for e in try TOMLSubset.parse(text, file: file) {
            guard e.section == "keys" else {
                throw TOMLError(file: file, line: e.line, message: "unknown section [\(e.section)]; key overrides go under [keys]")
            }
            func chord(_ v: TOMLValue) throws -> KeyChord {
                guard let s = v.stringValue, let c = KeyChord(name: s) else {
                    throw TOMLError(file: file, line: e.line,
                                    message: "'\(v)' is not a key name (examples: q, /, ctrl-g, alt-x, enter, f1, shift-tab)")
                }
                return c
            }
            if e.key == "prefix" {
                table.prefix = try chord(e.value)
                continue
            }
            guard let action = KeyAction(rawValue: e.key) else {
                let known = KeyAction.allCases.map(\.rawValue).joined(separator: ", ")
                throw TOMLError(file: file, line: e.line, message: "unknown action '\(e.key)'; known actions: prefix, \(known)")
            }
            let keys: [KeyChord]
            switch e.value {
            case .array(let items): keys = try items.map(chord)
            default: keys = [try chord(e.value)]
            }
            guard let i = table.bindings.firstIndex(where: { $0.action == action }) else { continue }
            table.bindings[i].keys = keys
        }
        return table
    }

    /// Loads overrides from `path` when the file exists; returns self unchanged when it does not.
    public func applyingOverrides(fromFile path: String) throws -> KeyTable {
        guard FileManager.default.fileExists(atPath: path) else { return self }
        return try applyingOverrides(try String(contentsOfFile: path, encoding: .utf8), file: path)
    }
}
