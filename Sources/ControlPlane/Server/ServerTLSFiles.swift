import Foundation
import NIOSSL

/// gangwayd's certificate and key, checked one by one so a mistake is named: a path that cannot be read, a file
/// without a PEM certificate or key, a key that is not the certificate's (NIOSSL alone reported these as
/// `failedToLoadCertificate` / `failedToLoadPrivateKey`, with no path).
enum ServerTLSFiles {
    static func configuration(certificate cert: String, key: String, now: Date = Date()) throws -> TLSConfiguration {
        try readable(cert, option: "--tls-cert")
        try readable(key, option: "--tls-key")
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(cert) } catch {
            throw ControlPlaneConfigError("--tls-cert \(cert) holds no PEM certificate (-----BEGIN CERTIFICATE-----): \(error)")
        }
        guard let leaf = chain.first else {
            throw ControlPlaneConfigError("--tls-cert \(cert) holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw ControlPlaneConfigError("--tls-key \(key) holds no PEM private key (-----BEGIN PRIVATE KEY----- or an EC/RSA key) or it is encrypted: \(error)")
        }
        let expiry = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        if expiry < now {
            throw ControlPlaneConfigError("--tls-cert \(cert) expired at \(ISO8601DateFormatter().string(from: expiry)); every client would refuse it")
        }
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                          privateKey: .privateKey(privateKey))
        do { _ = try NIOSSLContext(configuration: tls) } catch {
            throw ControlPlaneConfigError("--tls-key \(key) is not the private key of the certificate in --tls-cert \(cert) (\(error))")
        }
        return tls
    }

    private static func readable(_ path: String, option: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ControlPlaneConfigError("cannot read \(option) \(path): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }
}
