/// A parsed absolute `http(s)://` or `ws(s)://` URL, keeping the path and query exactly as written
/// (percent-encoding untouched), which is what SigV4 signs.
public struct AWSURL: Sendable, Equatable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int?
    /// Raw path, at least "/".
    public var path: String
    /// Raw query without `?`, possibly empty.
    public var query: String

    public init?(_ text: String) {
        guard let sep = text.range(of: "://") else { return nil }
        let scheme = text[..<sep.lowerBound].lowercased()
        guard ["http", "https", "ws", "wss"].contains(scheme) else { return nil }
        var rest = text[sep.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = Substring(authority)
        var port: Int? = nil
        if authority.hasPrefix("[") {  // IPv6 literal
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()); if port == nil { return nil } }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = Int(authority[authority.index(after: colon)...])
            if port == nil { return nil }
        }
        guard !host.isEmpty else { return nil }
        if let p = port, !(0...65535).contains(p) { return nil }
        let pathAndQuery = rest[authorityEnd...]
        if let q = pathAndQuery.firstIndex(of: "?") {
            path = String(pathAndQuery[..<q])
            query = String(pathAndQuery[pathAndQuery.index(after: q)...])
        } else {
            path = String(pathAndQuery)
            query = ""
        }
        if path.isEmpty { path = "/" }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    public var isSecure: Bool { scheme == "https" || scheme == "wss" }
    public var defaultPort: Int { isSecure ? 443 : 80 }
    public var effectivePort: Int { port ?? defaultPort }

    /// The `Host` header value a client sends: the port only when it is not the scheme's default.
    public var hostHeader: String {
        if let p = port, p != defaultPort { return "\(host):\(p)" }
        return host
    }

    /// Path plus `?query` when there is one.
    public var requestTarget: String { query.isEmpty ? path : path + "?" + query }

    public var description: String {
        "\(scheme)://\(port.map { "\(host):\($0)" } ?? host)\(requestTarget)"
    }
}
