/// Why a request failed SigV4 verification, as the AWS error code and message a client sees.
/// All map to HTTP 400 with the JSON body `{"__type": code, "message": message}`.
public struct SigV4Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case missingAuthenticationToken = "MissingAuthenticationTokenException"
        case incompleteSignature = "IncompleteSignatureException"
        case unrecognizedClient = "UnrecognizedClientException"
        case invalidSignature = "InvalidSignatureException"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var httpStatus: Int { 400 }
    public var description: String { "\(code.rawValue): \(message)" }

    static let missing = SigV4Error(.missingAuthenticationToken,
        "Request is missing Authentication Token. Sign it with SigV4 (an Authorization header or X-Amz-* query parameters).")
    static let unknownKey = SigV4Error(.unrecognizedClient, "The security token included in the request is invalid.")
    static let mismatch = SigV4Error(.invalidSignature,
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

    static func incomplete(_ what: String) -> SigV4Error { SigV4Error(.incompleteSignature, what) }
}
