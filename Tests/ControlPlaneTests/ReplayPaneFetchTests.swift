import AccessPolicy
import ConsoleCore
import ControlPlane
import Foundation
import GangwayClient
import Testing

/// The console's replay pane fetch (`SSMFleetSource` as `RecordingSource`, then `ReplayLoader`) against a real
/// gangwayd: the words a user reads in the pane for a denial, a missing recording, and a recording that plays.
struct ReplayPaneFetchTests {
    typealias Fixture = PolicyEnforcementTests.Fixture
    static let session = "alice-0123456789abcdef0"

    func source(_ f: Fixture, _ name: String, policies: [String] = []) async throws -> SSMFleetSource {
        SSMFleetSource(settings: try await f.user(name, policies: policies).settings)
    }

    @Test func deniedMissingAndPlayableRecordingsReadClearlyInThePane() async throws {
        // Signed with the real clock by SSMFleetSource, so the server's clock starts now.
        try await Fixture.with(at: Date()) { f in
            let alice = try await source(f, "alice", policies: [BuiltinPolicies.readOnlyAccess])
            let root = try await source(f, "root", policies: [BuiltinPolicies.administratorAccess])
            try await SessionRecordingFetchTests().recordedSession(f, id: Self.session, owner: "alice", text: nil)

            guard case .failure(let missing) = await ReplayLoader.load(sessionId: Self.session, from: root) else {
                Issue.record("a session without a recording loaded"); return
            }
            #expect(missing.description.hasPrefix("no recording for session \(Self.session)"))

            try await SessionRecordingFetchTests().recordedSession(f, id: Self.session, owner: "alice", text: "replay-42\r\n")
            guard case .failure(let denied) = await ReplayLoader.load(sessionId: Self.session, from: alice) else {
                Issue.record("alice without gangway:GetSessionRecording got the recording"); return
            }
            #expect(denied.description.hasPrefix("AccessDenied: "))
            #expect(denied.description.contains("gangway:GetSessionRecording"))

            let played = try await ReplayLoader.load(sessionId: Self.session, from: root).get()
            #expect(String(decoding: played.output, as: UTF8.self) == "replay-42\r\n")
            #expect(played.header.width == 80 && played.header.height == 24)
        }
    }
}
