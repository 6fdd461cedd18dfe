import Foundation
import HostAgent
import Logging
import Synchronization
import Testing

/// A host whose clock has drifted: gangwayd (real, in-process, real SigV4 checks on loopback) refuses requests signed
/// more than 5 minutes off its clock, so an agent on such a host registered (the token exchange is not signed) and
/// then retried UpdateInstanceInformation for ever, logging "cannot reach gangwayd", never Online. It now learns
/// gangwayd's time from the refusal's Date header and signs with it.
extension RevocationEndToEndTests {
    @Test(arguments: [600.0, -900.0])
    func agentOnAHostWhoseClockHasDriftedComesOnlineAndServesAShell(drift: TimeInterval) async throws {
        let lines = LogLines()
        let logger = Logger(label: "gangway-agent") { _ in lines }
        let rig = try await Rig.start(agentWallClock: { Date().addingTimeInterval(drift) }, agentLogger: logger)
        let (shell, _) = try await rig.openShell()   // a data channel (its token request is signed the same way)
        await shell.terminate(message: nil)
        await rig.stop()
        let warnings = lines.all.filter { $0.contains("this host's clock is") }
        #expect(warnings.count == 1, "one warning per learnt skew: \(lines.all)")
        let side = drift > 0 ? "ahead of" : "behind"
        let minutes = Int(abs(drift)) / 60
        // The Date header has whole seconds: 15 min may read as 14 min 59 s.
        let amount = ["\(minutes) min 0 s", "\(minutes) min 1 s", "\(minutes - 1) min 59 s"]
        #expect(amount.contains { warnings.first?.contains($0) == true } && warnings.first?.contains(side) == true,
                "\(warnings)")
        #expect(!lines.all.contains { $0.contains("cannot reach gangwayd") }, "\(lines.all)")
    }
}

/// Collects log messages (a swift-log handler shared by every logger made from it).
final class LogLines: LogHandler, @unchecked Sendable {
    // @unchecked: `store` is a Mutex; `metadata` and `logLevel` are only set before use.
    private let store = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        store.withLock { $0.append("\(event.level) \(event.message)") }
    }
    var all: [String] { store.withLock { $0 } }
}
