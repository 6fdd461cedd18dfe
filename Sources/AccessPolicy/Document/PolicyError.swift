/// A problem in a policy document, pointing at the offending place in its text.
///
/// `description` reads `line 4, column 17: Effect must be "Allow" or "Deny", found "allow"` so the CLI can print it
/// as is (prefixed by the file name).
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String

    public init(position: SourcePosition, message: String) {
        self.position = position
        self.message = message
    }

    public var line: Int { position.line }
    public var column: Int { position.column }
    public var description: String { "\(position): \(message)" }
}
