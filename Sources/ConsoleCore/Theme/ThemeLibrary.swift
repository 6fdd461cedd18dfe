import Foundation

/// Finds and loads theme files by name.
///
/// Search order: `$GANGWAY_THEMES`, `~/.config/gangway/themes`, a `themes/` folder beside the executable or in any
/// parent of it (a checkout running `.build/debug/gangway`), `./themes`. `default` always resolves: when no file
/// exists the built-in theme is used.
public struct ThemeLibrary: Sendable {
    public var directories: [String]

    public init(directories: [String]? = nil) {
        self.directories = directories ?? ThemeLibrary.defaultDirectories()
    }

    public static func defaultDirectories() -> [String] {
        var dirs: [String] = []
        let env = ProcessInfo.processInfo.environment
        if let d = env["GANGWAY_THEMES"] { dirs.append(d) }
        if let home = env["HOME"] { dirs.append(home + "/.config/gangway/themes") }
        var exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            dirs.append(exe.appendingPathComponent("themes").path)
            dirs.append(exe.appendingPathComponent("share/gangway/themes").path)
            exe.deleteLastPathComponent()
        }
        dirs.append(FileManager.default.currentDirectoryPath + "/themes")
        return dirs
    }

    /// Names of every theme found (without `.toml`), sorted, de-duplicated.
    public func available() -> [String] {
        var names = Set<String>()
        for d in directories {
            for f in (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? [] where f.hasSuffix(".toml") {
                names.insert(String(f.dropLast(5)))
            }
        }
        return names.sorted()
    }

    public enum LoadError: Error, CustomStringConvertible {
        case notFound(name: String, searched: [String], available: [String])
        public var description: String {
            switch self {
            case .notFound(let name, _, let available):
                return "theme '\(name)' not found; available: \(available.isEmpty ? "default" : available.joined(separator: ", ")) "
                    + "(put NAME.toml in ~/.config/gangway/themes or set GANGWAY_THEMES)"
            }
        }
    }

    /// Loads a theme by name, or from a path when `name` contains `/` or ends in `.toml`.
    public func load(_ name: String) throws -> Theme {
        if name.contains("/") || name.hasSuffix(".toml") {
            let text = try String(contentsOfFile: name, encoding: .utf8)
            return try Theme.parse(text, file: name, fallback: .builtinDefault)
        }
        for d in directories {
            let path = d + "/" + name + ".toml"
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                return try Theme.parse(text, file: path, fallback: .builtinDefault)
            }
        }
        if name == "default" || name == "builtin" { return .builtinDefault }
        throw LoadError.notFound(name: name, searched: directories, available: available())
    }
}
