import NIOSSL

/// TLS settings for wss:// channels. `WebSocketClient` needs a host name for SNI: give `sniHostname` when the URL
/// names an IP address (wss://127.0.0.1:…), matching a name in the server certificate.
public struct ChannelTLS: Sendable {
    /// PEM file of the CA (or self-signed certificate) to trust; nil uses the system trust store.
    public var caCertificatePath: String?
    /// Name to send in SNI and to verify the certificate against.
    public var sniHostname: String?
    /// Skip certificate verification entirely (tests and `--insecure` only).
    public var insecureSkipVerify: Bool

    public init(caCertificatePath: String? = nil, sniHostname: String? = nil, insecureSkipVerify: Bool = false) {
        self.caCertificatePath = caCertificatePath
        self.sniHostname = sniHostname
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// The NIOSSL client configuration for these settings.
    public func makeConfiguration() throws -> TLSConfiguration {
        var config = TLSConfiguration.makeClientConfiguration()
        if let path = caCertificatePath {
            config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
        }
        if insecureSkipVerify { config.certificateVerification = .none }
        return config
    }
}
