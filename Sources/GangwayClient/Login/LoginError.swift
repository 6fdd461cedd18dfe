/// Why `gangway login` could not sign in or store credentials, phrased for the user: what happened and what to do.
public struct LoginError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
