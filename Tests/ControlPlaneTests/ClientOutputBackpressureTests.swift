import ConsoleCore
import Foundation
import GangwayClient
import Testing

/// The real client (`SSMShellSession`, as a console pane and `gangway connect` use it) against gangwayd and a real
/// agent: output nobody reads must wait at the agent, not pile up in the client's memory.
@Suite("Client output back-pressure")
struct ClientOutputBackpressureTests {
    /// The last few KiB of what the reader got.
    actor Tail {
        private(set) var text = ""
        func add(_ event: ShellEvent) {
            if case .data(let bytes) = event { text = String((text + String(decoding: bytes, as: UTF8.self)).suffix(8192)) }
        }
    }

    @Test("a reader that stops reading (a pane not drawn) stops the flood at the agent; reading again, the shell answers")
    func unreadOutputIsBounded() async throws {
        let rig = try await RevocationEndToEndTests.Rig.start()
        do {
            let shell = try await SSMShellSession.start(ssm: rig.ssm(), target: rig.instanceId, cols: 100, rows: 30)
            await shell.send(Array("yes flood-flood-flood\n".utf8))
            // Nobody reads `output`: after the first MiBs the session takes nothing more from its channel (without a
            // bound it takes the flood as fast as the agent sends it, forever). Stable only counts once the flood has
            // filled the unread limit: on a loaded machine the shell may not have started within the first 500 ms.
            var previous = -1, taken = await shell.bytesReceived
            let deadline = Date().addingTimeInterval(20)
            while taken != previous || taken <= SSMShellSession.maxUnreadOutputBytes, taken < 64 << 20, Date() < deadline {
                try await Task.sleep(for: .milliseconds(500))
                previous = taken
                taken = await shell.bytesReceived
            }
            #expect(taken == previous, "the session kept taking output nobody read: \(previous) → \(taken) bytes")
            // At most the unread limit in the session plus as much in the channel's event buffer, plus one socket read.
            #expect(taken < 4 * SSMShellSession.maxUnreadOutputBytes, "\(taken) bytes taken with nobody reading")
            #expect(taken > SSMShellSession.maxUnreadOutputBytes, "the flood did not start (\(taken) bytes)")

            // Reading again: Ctrl-C ends the flood and the shell answers.
            let tail = Tail()
            let reader = Task { for await event in shell.output { await tail.add(event) } }
            await shell.send([3])
            await shell.send(Array("echo done-$((6*7))\n".utf8))
            #expect(await eventually(30) { await tail.text.contains("done-42") }, "the shell did not answer after the flood")
            await shell.close()
            reader.cancel()
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }
}
