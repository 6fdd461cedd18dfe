/// A position in a policy document's text: 1-based line and column (columns count Unicode scalars).
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// A JSON value that remembers where it started in the source text, so schema errors can point at it.
public indirect enum JSONValue: Sendable, Equatable {
    case object([JSONMember])
    case array([PositionedJSON])
    case string(String)
    /// The number as written (`3`, `1.5e3`), so no precision is lost before the schema decides what it means.
    case number(String)
    case bool(Bool)
    case null

    /// A short name for error messages: "a string", "an array", …
    public var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// One `"key": value` member of an object, with the key's own position.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var keyPosition: SourcePosition
    public var value: PositionedJSON
}

public struct PositionedJSON: Sendable, Equatable {
    public var value: JSONValue
    public var position: SourcePosition
}
