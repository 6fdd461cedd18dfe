/// Commands typed after `:`.
public enum ConsoleCommand: Sendable, Hashable {
    case quit
    case theme(String)
    case listThemes
    case context
    case show(TabKind)
    case help
}

public enum ConsoleCommandLine {
    /// Parses a command line (without the leading `:`). Errors are messages for the command line.
    public static func parse(_ text: String) -> Result<ConsoleCommand, CommandLineError> {
        let words = text.split(separator: " ").map(String.init)
        guard let verb = words.first else { return .failure(.init("empty command; try :help")) }
        switch verb {
        case "q", "quit", "q!", "qa": return .success(.quit)
        case "theme":
            guard words.count == 2 else { return words.count == 1 ? .success(.listThemes) : .failure(.init("usage: :theme NAME")) }
            return .success(.theme(words[1]))
        case "themes": return .success(.listThemes)
        case "ctx", "context": return .success(.context)
        case "fleet": return .success(.show(.fleet))
        case "sessions": return .success(.show(.sessions))
        case "audit": return .success(.show(.audit))
        case "help", "h": return .success(.help)
        default: return .failure(.init("unknown command ':\(verb)'; commands: :theme NAME, :themes, :ctx, :fleet, :sessions, :audit, :help, :q"))
        }
    }
}

public struct CommandLineError: Error, Sendable, Hashable {
    public var message: String
    public init(_ m: String) { message = m }
}
