import AccessPolicy
import AWSCore
import ControlPlane
import Foundation
import GangwayClient
import Testing

/// `AmazonSSM.GetSessionRecording` on a real gangwayd (HTTP on 127.0.0.1:0, SQLite, `PolicyAuthorizer`), recordings
/// written by the real `FileSessionRecorder` into DATA_DIR/recordings, fetched by `SSMClient.sessionRecording`.
struct SessionRecordingFetchTests {
    typealias Fixture = PolicyEnforcementTests.Fixture

    static let aliceSession = "alice-0123456789abcdef0"
    static let bobSession = "bob-0fedcba9876543210"

    /// Stores a finished session of `owner` and records `text` as its output, as gangwayd does when relaying.
    func recordedSession(_ f: Fixture, id: String, owner: String, text: String?) async throws {
        let start = f.clock.now()
        try await f.store.upsertSession(SessionRecord(sessionId: id, target: "mi-0000000000000000a", owner: owner,
                                                      status: .terminated, documentName: "SSM-SessionManagerRunShell",
                                                      startDate: start, endDate: start.addingTimeInterval(3)))
        guard let text else { return }
        let recording = try await FileSessionRecorder(dataDir: f.dir).open(sessionId: id, target: "mi-0000000000000000a",
                                                                           owner: owner, cols: 80, rows: 24, startedAt: start)
        try recording.output(Array(text.utf8), at: start.addingTimeInterval(1))
        await recording.close()
    }

    func ssm(_ f: Fixture, _ name: String, policies: [String] = []) async throws -> SSMClient {
        SSMClient(json: try await f.user(name, policies: policies))
    }

    @Test func administratorGetsTheRecordingAndTheAuditLogDoesNotCopyIt() async throws {
        try await Fixture.with { f in
            let root = try await ssm(f, "root", policies: [BuiltinPolicies.administratorAccess])
            try await recordedSession(f, id: Self.aliceSession, owner: "alice", text: "secret-output-42\r\n")
            let out = try await root.sessionRecording(sessionId: Self.aliceSession)
            #expect(out.SessionId == Self.aliceSession)
            #expect(out.Format == "asciicast-v2")
            let recording = try #require(out.Recording)
            #expect(recording.hasPrefix("{\"version\": 2") || recording.hasPrefix("{\"version\":2"))
            #expect(recording.contains("secret-output-42"))

            let event = try #require(await f.audit.events.last { $0.eventName == "GetSessionRecording" })
            #expect(event.principal == "root")
            #expect(event.errorCode == nil)
            #expect(event.sessionId == Self.aliceSession)
            #expect(event.responseElements == nil)
        }
    }

    @Test func ownerWithoutThePermissionAndOtherUsersAreDeniedAndTheDenialIsAudited() async throws {
        try await Fixture.with { f in
            let alice = try await ssm(f, "alice", policies: [BuiltinPolicies.readOnlyAccess])
            let bob = try await ssm(f, "bob")
            try await recordedSession(f, id: Self.aliceSession, owner: "alice", text: "x")

            let own = await failure { _ = try await alice.sessionRecording(sessionId: Self.aliceSession) }
            #expect(own?.code == "AccessDeniedException")
            #expect(own?.message.contains("alice is not authorized to perform: gangway:GetSessionRecording on resource: \(Self.aliceSession)") == true)
            let other = await failure { _ = try await bob.sessionRecording(sessionId: Self.aliceSession) }
            #expect(other?.code == "AccessDeniedException")

            let denials = await f.audit.events.filter { $0.eventName == "GetSessionRecording" && $0.errorCode == "AccessDeniedException" }
            #expect(denials.map(\.principal) == ["alice", "bob"])
            #expect(denials.allSatisfy { $0.sessionId == Self.aliceSession })
        }
    }

    @Test func aPolicyCanGrantUsersTheirOwnRecordingsOnly() async throws {
        try await Fixture.with { f in
            try await f.admin.put(name: "own-recordings", document: #"""
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "OwnRecordings", "Effect": "Allow", "Action": "gangway:GetSessionRecording",
               "Resource": "arn:aws:ssm:*:*:session/${aws:username}-*"}]}
            """#)
            let alice = try await ssm(f, "alice", policies: ["own-recordings"])
            try await recordedSession(f, id: Self.aliceSession, owner: "alice", text: "mine\r\n")
            try await recordedSession(f, id: Self.bobSession, owner: "bob", text: "bobs\r\n")
            #expect(try await alice.sessionRecording(sessionId: Self.aliceSession).Recording?.contains("mine") == true)
            #expect(await failure { _ = try await alice.sessionRecording(sessionId: Self.bobSession) }?.code == "AccessDeniedException")
        }
    }

    @Test func pathTraversalUnknownAndUnrecordedSessionsAreRefusedClearly() async throws {
        try await Fixture.with { f in
            let root = try await ssm(f, "root", policies: [BuiltinPolicies.administratorAccess])
            // A file outside recordings/ that a traversal would reach.
            try Data("{\"version\": 2, \"width\": 80, \"height\": 24}\n".utf8).write(to: f.dir.appendingPathComponent("leak.cast"))
            for id in ["../leak", "..", "recordings/../../leak", ".hidden", "a/b", ""] {
                let e = await failure { _ = try await root.sessionRecording(sessionId: id) }
                #expect(e?.code == "ValidationException", "id \(id.debugDescription)")
            }
            let unknown = await failure { _ = try await root.sessionRecording(sessionId: "carol-0123456789abcdef0") }
            #expect(unknown?.code == "DoesNotExistException")
            #expect(unknown?.message.contains("Session carol-0123456789abcdef0 does not exist") == true)

            try await recordedSession(f, id: Self.bobSession, owner: "bob", text: nil)
            let unrecorded = await failure { _ = try await root.sessionRecording(sessionId: Self.bobSession) }
            #expect(unrecorded?.code == "DoesNotExistException")
            #expect(unrecorded?.message.contains("has no recording") == true)
        }
    }
}
