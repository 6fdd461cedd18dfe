import Foundation

/// Client side of AWS Signature Version 4: turns a request into the headers that authenticate it,
/// or into a presigned URL (for a WebSocket GET that cannot carry headers).
///
/// ```swift
/// let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "ssm")
/// let extra = try signer.signingHeaders(method: "POST", url: "https://ssm.us-east-1.amazonaws.com/",
///                                       headers: [("Content-Type", "application/x-amz-json-1.1")],
///                                       body: bytes, date: Date())
/// ```
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    /// Headers never signed: they are changed by proxies or added by the HTTP stack.
    static let unsignedHeaderNames: Set<String> = [
        "authorization", "user-agent", "expect", "x-amzn-trace-id", "connection", "transfer-encoding",
    ]

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Signs a request and returns the headers to send with it, in this order: `Host`, `X-Amz-Date`,
    /// `X-Amz-Security-Token` (temporary credentials), `X-Amz-Content-Sha256` (service `s3`),
    /// `Authorization`. Every header in `headers` (except hop-by-hop ones such as User-Agent) is signed,
    /// so send them unchanged. A `Host` in `headers` wins over the one derived from the URL.
    public func signingHeaders(method: String, url: String, headers: [(String, String)] = [],
                               body: [UInt8] = [], date: Date) throws -> [(String, String)] {
        guard let parsed = AWSURL(url) else { throw SigV4SignerError.invalidURL(url) }
        let when = AmzDate(date)
        let payloadHash = SigV4Canonical.sha256Hex(body)

        var added: [(String, String)] = []
        let hasHost = headers.contains { $0.0.lowercased() == "host" }
        if !hasHost { added.append(("Host", parsed.hostHeader)) }
        added.append(("X-Amz-Date", when.dateTime))
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        if service == "s3" { added.append(("X-Amz-Content-Sha256", payloadHash)) }

        let all = (headers + added).filter { !Self.unsignedHeaderNames.contains($0.0.lowercased()) }
        let names = Array(Set(all.map { $0.0.lowercased() })).sorted()
        // Every name comes from `all`, so canonicalHeaders cannot miss one.
        let (block, signedNames) = SigV4Canonical.canonicalHeaders(all, signed: names) ?? ("", "")
        let creq = SigV4Canonical.canonicalRequest(
            method: method.uppercased(),
            uri: SigV4Canonical.canonicalURI(rawPath: parsed.path, service: service),
            query: SigV4Canonical.canonicalQuery(SigV4Canonical.queryPairs(rawQuery: parsed.query)),
            headerBlock: block, signedNames: signedNames, payloadHash: payloadHash)
        let scope = SigV4Canonical.scope(day: when.day, region: region, service: service)
        let sts = SigV4Canonical.stringToSign(dateTime: when.dateTime, scope: scope, canonicalRequest: creq)
        let key = SigV4Canonical.signingKey(secret: credentials.secretAccessKey, day: when.day, region: region, service: service)
        let signature = SigV4Canonical.signature(signingKey: key, stringToSign: sts)
        added.append(("Authorization",
                      "\(SigV4Canonical.algorithm) Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedNames), Signature=\(signature)"))
        return added
    }

    /// A presigned URL (query-string authentication) for `method url`, valid for `expires` seconds.
    /// Only `host` is signed, so the URL works for any client library. Used for WebSocket upgrades.
    public func presignedURL(method: String = "GET", url: String, expires: Int = 60, date: Date) throws -> String {
        guard let parsed = AWSURL(url) else { throw SigV4SignerError.invalidURL(url) }
        let when = AmzDate(date)
        let scope = SigV4Canonical.scope(day: when.day, region: region, service: service)
        var pairs = SigV4Canonical.queryPairs(rawQuery: parsed.query)
        pairs += [
            ("X-Amz-Algorithm", SigV4Canonical.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"),
            ("X-Amz-Date", when.dateTime),
            ("X-Amz-Expires", String(max(1, min(expires, 604_800)))),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { pairs.append(("X-Amz-Security-Token", token)) }
        let query = SigV4Canonical.canonicalQuery(pairs)
        let payloadHash = service == "s3" ? SigV4Canonical.unsignedPayload : SigV4Canonical.emptyPayloadHash
        let creq = SigV4Canonical.canonicalRequest(
            method: method.uppercased(),
            uri: SigV4Canonical.canonicalURI(rawPath: parsed.path, service: service),
            query: query, headerBlock: "host:\(parsed.hostHeader)\n", signedNames: "host", payloadHash: payloadHash)
        let sts = SigV4Canonical.stringToSign(dateTime: when.dateTime, scope: scope, canonicalRequest: creq)
        let key = SigV4Canonical.signingKey(secret: credentials.secretAccessKey, day: when.day, region: region, service: service)
        let signature = SigV4Canonical.signature(signingKey: key, stringToSign: sts)
        var out = parsed
        out.query = query + "&X-Amz-Signature=" + signature
        return out.description
    }
}

public enum SigV4SignerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)

    public var description: String {
        switch self {
        case .invalidURL(let u): return "cannot sign a request for '\(u)': not an absolute http(s) or ws(s) URL"
        }
    }
}
