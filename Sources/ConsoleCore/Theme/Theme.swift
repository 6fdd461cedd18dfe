import Foundation

/// A console theme: a palette of named colours plus a style per role (`themes/*.toml`).
///
/// File format (a TOML subset):
/// ```
/// name = "default"
/// [palette]
/// bg = "#1d2021"
/// accent = "bright-cyan"        # ANSI name, #rrggbb, 0-255 or default
/// [roles]
/// header = "black on accent bold"   # "<fg> [on <bg>] [bold|underline|reverse|italic|dim|blink]..."
/// ```
public struct Theme: Sendable, Hashable {
    public var name: String
    public var palette: [String: ColorSpec]
    public var roles: [ThemeRole: Style]

    public init(name: String, palette: [String: ColorSpec] = [:], roles: [ThemeRole: Style]) {
        self.name = name
        self.palette = palette
        self.roles = roles
    }

    public func style(_ role: ThemeRole) -> Style {
        roles[role] ?? Theme.builtinDefault.roles[role] ?? .plain
    }

    /// Parses a theme file; unknown roles, unknown palette names and bad colours are errors naming file and line.
    /// Roles the file does not set come from `fallback`.
    public static func parse(_ text: String, file: String, fallback: Theme? = nil) throws -> Theme {
        let entries = try TOMLSubset.parse(text, file: file)
        var name = (file as NSString).lastPathComponent.replacingOccurrences(of: ".toml", with: "")
        var palette: [String: ColorSpec] = [:]
        var roles = fallback?.roles ?? [:]
        for e in entries where e.section == "" {
            guard e.key == "name", let s = e.value.stringValue else {
                throw TOMLError(file: file, line: e.line, message: "unknown top-level key '\(e.key)'; expected name, [palette], [roles]")
            }
            name = s
        }
        for e in entries where e.section == "palette" {
            guard let s = e.value.stringValue, let c = ColorSpec(parsing: s) else {
                throw TOMLError(file: file, line: e.line,
                                message: "palette colour '\(e.key)' must be an ANSI name, \"#rrggbb\", 0-255 or \"default\"")
            }
            palette[e.key] = c
        }
        for e in entries where e.section == "roles" {
            guard let role = ThemeRole(rawValue: e.key) else {
                let known = ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw TOMLError(file: file, line: e.line, message: "unknown role '\(e.key)'; known roles: \(known)")
            }
            guard let s = e.value.stringValue else {
                throw TOMLError(file: file, line: e.line, message: "role '\(e.key)' must be a string like \"white on blue bold\"")
            }
            do {
                roles[role] = try parseStyle(s, palette: palette)
            } catch let m as StyleError {
                throw TOMLError(file: file, line: e.line, message: "role '\(e.key)': \(m.text)")
            }
        }
        for e in entries where !["", "palette", "roles"].contains(e.section) {
            throw TOMLError(file: file, line: e.line, message: "unknown section [\(e.section)]; expected [palette] or [roles]")
        }
        return Theme(name: name, palette: palette, roles: roles)
    }

    struct StyleError: Error { var text: String }

    /// "<fg> [on <bg>] [attributes...]"; colours are palette names or ColorSpec literals.
    static func parseStyle(_ text: String, palette: [String: ColorSpec]) throws -> Style {
        var words = text.split(separator: " ").map(String.init)
        var style = Style()
        func color(_ w: String) throws -> ColorSpec {
            if let c = palette[w] ?? ColorSpec(parsing: w) { return c }
            throw StyleError(text: "unknown colour '\(w)' (not in [palette], not an ANSI name, #rrggbb or 0-255)")
        }
        var attrs: StyleAttributes = []
        while let w = words.first, let a = StyleAttributes.names.first(where: { $0.0 == w })?.1 { attrs.insert(a); words.removeFirst() }
        if let w = words.first, w != "on" { style.fg = try color(w); words.removeFirst() }
        if words.first == "on" {
            words.removeFirst()
            guard let w = words.first else { throw StyleError(text: "'on' needs a background colour") }
            style.bg = try color(w)
            words.removeFirst()
        }
        for w in words {
            guard let a = StyleAttributes.names.first(where: { $0.0 == w })?.1 else {
                throw StyleError(text: "unknown attribute '\(w)' (bold, underline, reverse, italic, dim, blink)")
            }
            attrs.insert(a)
        }
        style.attributes = attrs
        return style
    }
}
