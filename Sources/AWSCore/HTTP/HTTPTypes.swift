/// One HTTP request for `HTTPClient`.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// Overrides the client's whole-request timeout.
    public var timeout: Duration?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8] = [], timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers of the final response (after any 100 Continue), names as the server sent them.
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// First value of a header, case-insensitive name.
    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first { $0.0.lowercased() == n }?.1
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A request that did not produce an HTTP response at all.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    /// Could not connect / resolve / TLS failed: `reason` is libcurl's explanation.
    case unreachable(url: String, reason: String)
    case timedOut(url: String, seconds: Double)
    case tlsVerificationFailed(url: String, reason: String)
    case cancelled(url: String)
    case transport(url: String, code: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let u):
            return "'\(u)' is not a valid http:// or https:// URL"
        case .unreachable(let u, let r):
            return "cannot reach \(u): \(r) (is the server running and the endpoint URL right?)"
        case .timedOut(let u, let s):
            return "no answer from \(u) within \(s.formatted2) s (server overloaded or unreachable; check the endpoint URL and any HTTPS_PROXY)"
        case .tlsVerificationFailed(let u, let r):
            return "TLS certificate of \(u) was not accepted: \(r) (for a self-signed gangwayd pass its CA file with --ca-file or AWS_CA_BUNDLE)"
        case .cancelled(let u):
            return "request to \(u) was cancelled"
        case .transport(let u, let c, let r):
            return "request to \(u) failed (curl error \(c)): \(r)"
        }
    }
}

extension Double {
    var formatted2: String {
        let r = (self * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
