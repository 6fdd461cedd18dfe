import AWSCore
import Foundation
import Testing

@Suite struct CAFileCheckTests {
    @Test func aMissingOrWrongCAFileIsNamedAtStart() throws {
        let dir = NSTemporaryDirectory() + "gw-ca-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func message(_ path: String, _ option: String = "--ca-file") -> String {
            do { try CAFileCheck.validate(path, option: option); return "ok" } catch { return "\(error)" }
        }
        #expect(message(dir + "/nope.pem") == "cannot read --ca-file \(dir)/nope.pem: no such file")
        try "-----BEGIN PRIVATE KEY-----\nMIG…\n-----END PRIVATE KEY-----\n".write(toFile: dir + "/key.pem", atomically: true, encoding: .utf8)
        #expect(message(dir + "/key.pem", "ca_file") == "ca_file \(dir)/key.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        try "# bundle\n-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n".write(toFile: dir + "/ca.pem", atomically: true, encoding: .utf8)
        #expect(message(dir + "/ca.pem") == "ok")
    }
}
