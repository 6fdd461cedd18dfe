import Foundation
import Testing
@testable import ControlPlane

/// `gangwayd serve --tls-cert/--tls-key` mistakes, named (NIOSSL alone said "failedToLoadPrivateKey" without a path,
/// also for a key that is simply not the certificate's). Certificates made by the real openssl(1).
@Suite struct ServerTLSFilesTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gw-tls-\(UUID().uuidString.prefix(8))").path

    func make(_ name: String, days: String = "1") throws -> (cert: String, key: String) {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let cert = "\(dir)/\(name).crt", key = "\(dir)/\(name).key"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                       "-out", cert, "-days", days, "-subj", "/CN=localhost"]
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "openssl req failed")
        return (cert, key)
    }

    func message(_ cert: String, _ key: String, now: Date = Date()) -> String {
        do { _ = try ServerTLSFiles.configuration(certificate: cert, key: key, now: now); return "ok" } catch {
            return "\(error)"
        }
    }

    @Test func eachMistakeIsNamedWithItsPath() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try make("a"), b = try make("b")
        #expect(message(a.cert, a.key) == "ok")
        #expect(message(a.cert, b.key) == "--tls-key \(b.key) is not the private key of the certificate in --tls-cert \(a.cert) (failedToLoadPrivateKey)")
        #expect(message(dir + "/missing.crt", a.key) == "cannot read --tls-cert \(dir)/missing.crt: No such file or directory")
        #expect(message(a.key, a.key).hasPrefix("--tls-cert \(a.key) holds no PEM certificate"))
        #expect(message(a.cert, a.cert).hasPrefix("--tls-key \(a.cert) holds no PEM private key"))
        // Two days on, the one-day certificate has expired: said at start, not by every client's handshake.
        #expect(message(a.cert, a.key, now: Date().addingTimeInterval(2 * 86_400)).contains("--tls-cert \(a.cert) expired at "))
    }
}
