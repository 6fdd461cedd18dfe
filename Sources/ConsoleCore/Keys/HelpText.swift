/// The `?` help screen, generated from the key table so it can never go stale.
public enum HelpText {
    /// Lines grouped by context: a title line, then `  keys<padding>description [!]` per binding.
    public static func lines(for table: KeyTable) -> [String] {
        var out: [String] = ["Prefix key in session panes: \(table.prefix.displayName)   (! = dangerous, asks to confirm)"]
        for context in KeyContext.allCases {
            let bindings = table.bindings.filter { $0.context == context && !$0.keys.isEmpty }
            if bindings.isEmpty { continue }
            out.append("")
            out.append(context.title)
            for b in bindings {
                let keys = b.keys.map(\.displayName).joined(separator: ", ")
                let pad = String(repeating: " ", count: max(1, 18 - keys.count))
                out.append("  " + keys + pad + b.description + (b.dangerous ? "  !" : ""))
            }
        }
        return out
    }
}
