import ArgumentParser
import AuditLog
import Foundation

/// `gangway audit verify DATA_DIR|AUDIT_DIR [--public-key F]`: offline check of chain and checkpoint signatures.
struct AuditVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an audit log offline: every record's hash, the chain, and the signed checkpoints.",
        discussion: """
            Needs only the segment files and gangwayd's public key. Without --public-key the key in \
            AUDIT_DIR/public-key.pem is used, which only proves the log is consistent with itself: for evidence, \
            pass a copy of the public key you kept elsewhere. Exits 1 and names the first bad record on failure.
            """)

    @Argument(help: "gangwayd's data dir, or its audit/ directory (or a copy of it).")
    var path: String

    @Option(name: .long, help: "Ed25519 public key: PEM file or a file with 64 hex characters.")
    var publicKey: String?

    func run() throws {
        var dir = URL(fileURLWithPath: path)
        let nested = dir.appendingPathComponent("audit")
        if (try? AuditSegments.list(dir))?.isEmpty ?? true, FileManager.default.fileExists(atPath: nested.path) {
            dir = nested
        }
        let keyPath = publicKey ?? dir.appendingPathComponent("public-key.pem").path
        guard let keyText = try? String(contentsOfFile: keyPath, encoding: .utf8) else {
            throw ValidationError("cannot read the public key \(keyPath); pass --public-key FILE")
        }
        let key = try AuditSigningKey.parsePublicKey(keyText)
        let started = Date()
        switch try AuditVerifier.verify(directory: dir, publicKey: key) {
        case let .success(s):
            let seconds = Date().timeIntervalSince(started)
            print("OK: \(s.records) records in \(s.segments) segment(s), \(s.checkpoints) signed checkpoint(s)")
            print("head hash: \(s.headHash)")
            print("key: \(AuditSigningKey.keyId(key)) (\(publicKey == nil ? "from \(keyPath) — pass --public-key for an independent check" : keyPath))")
            if s.unsealedRecords > 0 {
                print("note: the last \(s.unsealedRecords) record(s) follow the last checkpoint; their removal could "
                      + "only be noticed against a checkpoint kept elsewhere")
            }
            print(String(format: "verified in %.2f s", seconds))
        case let .failure(f):
            FileHandle.standardError.write(Data("FAILED: \(dir.path)/\(f)\n".utf8))
            throw ExitCode(1)
        }
    }
}
