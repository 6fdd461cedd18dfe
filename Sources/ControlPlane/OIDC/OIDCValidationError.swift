import Foundation

/// Why an OIDC ID token was refused. `message` names what failed and what to do; `kind` lets STS pick the AWS code
/// (`ExpiredTokenException` for `.expired`, `IDPCommunicationError` for `.keysUnavailable`, else `InvalidIdentityToken`).
public struct OIDCValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case malformed, unsupportedAlgorithm, unknownIssuer, unknownKey, badSignature
        case wrongIssuer, wrongAudience, expired, notYetValid, missingClaim, keysUnavailable
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
