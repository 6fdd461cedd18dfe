import Foundation

/// Server side of AWS Signature Version 4. Accepts what botocore / the AWS CLI and `SigV4Signer` send:
/// an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header, or a presigned
/// URL (`X-Amz-Algorithm`, `X-Amz-Credential`, … `X-Amz-Signature` in the query) for WebSocket GETs.
///
/// Two steps so the key lookup may be async (a database):
/// ```swift
/// let auth = try verifier.parse(request)                  // IncompleteSignature / MissingAuthenticationToken
/// let key = try await store.key(auth.accessKeyId)         // nil -> UnrecognizedClient
/// let who = try verifier.check(auth, request: request, key: key, now: Date())
/// ```
/// or `verify(request, now:, lookup:)` with a synchronous lookup. Errors are `SigV4Error`. Never traps.
public struct SigV4Verifier: Sendable {
    /// Largest allowed difference between the request's X-Amz-Date and `now` (AWS: 5 minutes).
    public var maxClockSkew: TimeInterval
    /// Accept `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD` (body not covered by the signature).
    public var allowUnsignedPayload: Bool

    static let maxAuthorizationLength = 16 * 1024
    static let maxSignedHeaders = 64

    public init(maxClockSkew: TimeInterval = 300, allowUnsignedPayload: Bool = false) {
        self.maxClockSkew = maxClockSkew
        self.allowUnsignedPayload = allowUnsignedPayload
    }

    /// The parsed, not yet checked, authentication of a request.
    public struct ParsedAuthorization: Sendable, Equatable {
        public var accessKeyId: String
        public var day: String
        public var region: String
        public var service: String
        public var signedHeaders: [String]
        public var signature: String
        public var amzDate: String
        public var presigned: Bool
        /// Presigned URLs only: X-Amz-Expires.
        public var expires: Int?
        public var securityToken: String?
    }

    public func verify(_ request: SigV4IncomingRequest, now: Date,
                       lookup: (String) throws -> SigV4KeyRecord?) throws -> SigV4VerifiedIdentity {
        let auth = try parse(request)
        return try check(auth, request: request, key: lookup(auth.accessKeyId), now: now)
    }

    // MARK: parse

    public func parse(_ request: SigV4IncomingRequest) throws -> ParsedAuthorization {
        let authHeaders = request.headerValues("authorization")
        if authHeaders.count > 1 { throw SigV4Error.incomplete("Only one Authorization header is allowed.") }
        if let header = authHeaders.first {
            return try parseHeader(header, request: request)
        }
        let query = SigV4Canonical.queryPairs(rawQuery: request.query)
        if query.contains(where: { $0.0 == "X-Amz-Algorithm" }) {
            return try parsePresigned(query)
        }
        throw SigV4Error.missing
    }

    private func parseHeader(_ header: String, request: SigV4IncomingRequest) throws -> ParsedAuthorization {
        guard header.utf8.count <= Self.maxAuthorizationLength else {
            throw SigV4Error.incomplete("Authorization header is too long.")
        }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else {
            throw SigV4Error.incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=\(trimmed.prefix(64))")
        }
        let algorithm = trimmed[..<space]
        guard algorithm == SigV4Canonical.algorithm else {
            throw SigV4Error.incomplete("Unsupported Authorization algorithm '\(algorithm.prefix(40))'; use \(SigV4Canonical.algorithm).")
        }
        var fields: [String: String] = [:]
        for item in trimmed[space...].split(separator: ",") {
            let kv = item.trimmingCharacters(in: .whitespaces)
            guard let eq = kv.firstIndex(of: "=") else { continue }
            fields[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
        }
        var missing: [String] = []
        for name in ["Credential", "SignedHeaders", "Signature"] where fields[name] == nil {
            missing.append("Authorization header requires '\(name)' parameter.")
        }
        guard let amzDate = request.header("x-amz-date") else {
            missing.append("Authorization header requires existence of a 'X-Amz-Date' header.")
            throw SigV4Error.incomplete(missing.joined(separator: " "))
        }
        guard missing.isEmpty, let credential = fields["Credential"], let signed = fields["SignedHeaders"],
              let signature = fields["Signature"] else {
            throw SigV4Error.incomplete(missing.joined(separator: " "))
        }
        return try assemble(credential: credential, signedHeaders: signed, signature: signature, amzDate: amzDate,
                            presigned: false, expires: nil, token: request.header("x-amz-security-token"))
    }

    private func parsePresigned(_ query: [(String, String)]) throws -> ParsedAuthorization {
        func param(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        guard param("X-Amz-Algorithm") == SigV4Canonical.algorithm else {
            throw SigV4Error.incomplete("X-Amz-Algorithm must be \(SigV4Canonical.algorithm).")
        }
        let required = ["X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"]
        let missing = required.filter { param($0) == nil }
        guard missing.isEmpty, let credential = param("X-Amz-Credential"), let date = param("X-Amz-Date"),
              let signed = param("X-Amz-SignedHeaders"), let signature = param("X-Amz-Signature") else {
            throw SigV4Error.incomplete("Presigned URL requires the query parameters \(missing.joined(separator: ", ")).")
        }
        var expires = 900
        if let e = param("X-Amz-Expires") {
            guard let v = Int(e), v >= 1, v <= 604_800 else {
                throw SigV4Error.incomplete("X-Amz-Expires must be a number of seconds between 1 and 604800.")
            }
            expires = v
        }
        return try assemble(credential: credential, signedHeaders: signed, signature: signature, amzDate: date,
                            presigned: true, expires: expires, token: param("X-Amz-Security-Token"))
    }

    private func assemble(credential: String, signedHeaders: String, signature: String, amzDate: String,
                          presigned: Bool, expires: Int?, token: String?) throws -> ParsedAuthorization {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty else {
            throw SigV4Error.incomplete("Credential must have the form <AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request, got '\(credential.prefix(200))'.")
        }
        guard parts[4] == "aws4_request" else {
            throw SigV4Error.incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '\(parts[4].prefix(40))'.")
        }
        let names = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map { $0.lowercased() }
        guard !names.isEmpty, names.count <= Self.maxSignedHeaders, !names.contains("") else {
            throw SigV4Error.incomplete("SignedHeaders must be a ;-separated list of at most \(Self.maxSignedHeaders) header names.")
        }
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz".utf8)
        guard names.allSatisfy({ $0.utf8.allSatisfy(tchar.contains) }), Set(names).count == names.count else {
            throw SigV4Error.incomplete("SignedHeaders must list distinct header names separated by ';'.")
        }
        guard names.contains("host") else {
            throw SigV4Error.incomplete("SignedHeaders must include 'host'.")
        }
        guard signature.utf8.count == 64, signature.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw SigV4Error.incomplete("Signature must be 64 lower-case hex digits.")
        }
        guard AmzDate(parsing: amzDate) != nil else {
            throw SigV4Error.incomplete("X-Amz-Date must have the form YYYYMMDD'T'HHMMSS'Z', got '\(amzDate.prefix(40))'.")
        }
        return ParsedAuthorization(accessKeyId: parts[0], day: parts[1], region: parts[2], service: parts[3],
                                   signedHeaders: names, signature: signature, amzDate: amzDate,
                                   presigned: presigned, expires: expires, securityToken: token)
    }
}
