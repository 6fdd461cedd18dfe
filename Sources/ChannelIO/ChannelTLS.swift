import NIOSSL

/// TLS settings for wss:// channels. `sniHostname` is the name sent in SNI and checked against the server
/// certificate; without it an IP address URL (wss://127.0.0.1:…) is checked against the certificate's IP addresses
/// (no SNI: TLS forbids an address there), a host name URL against its names.
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
