/// An incoming HTTP request as the server received it, for `SigV4Verifier`.
public struct SigV4IncomingRequest: Sendable {
    public var method: String
    /// Path as on the wire (still percent-encoded), e.g. `/` or `/v1/data-channel/alice-0123`.
    public var path: String
    /// Query as on the wire without `?`, possibly empty.
    public var query: String
    /// Header names in any case; repeated names allowed.
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [(String, String)], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// All values of a header (case-insensitive name), in arrival order.
    public func headerValues(_ name: String) -> [String] {
        let n = name.lowercased()
        return headers.filter { $0.0.lowercased() == n }.map { $0.1 }
    }

    public func header(_ name: String) -> String? { headerValues(name).first }
}

/// What the server looks up for an access key id: the secret and who it belongs to.
public struct SigV4KeyRecord: Sendable, Equatable {
    public var secretAccessKey: String
    public var principal: String

    public init(secretAccessKey: String, principal: String) {
        self.secretAccessKey = secretAccessKey
        self.principal = principal
    }
}

/// A request whose signature checked out.
public struct SigV4VerifiedIdentity: Sendable, Equatable {
    public var accessKeyId: String
    public var principal: String
    /// Region and service from the credential scope (`…/us-east-1/ssm/aws4_request`).
    public var region: String
    public var service: String
    /// Lower-case names the client signed.
    public var signedHeaders: [String]
    /// `X-Amz-Security-Token` if the client sent one (not validated here).
    public var securityToken: String?
    /// True when authenticated by a presigned URL rather than an Authorization header.
    public var presigned: Bool
}
