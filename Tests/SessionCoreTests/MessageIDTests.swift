import Foundation
import Testing
@testable import SessionCore

@Suite("Message ids") struct MessageIDTests {
    @Test func idsAreVersionFourRFC4122AndDoNotRepeat() {
        var seen = Set<UUID>()
        for _ in 0..<100_000 {
            let id = MessageID.random()
            let text = id.uuidString
            #expect(Array(text)[14] == "4", "\(text) is not version 4")
            #expect("89AB".contains(Array(text)[19]), "\(text) has not the RFC 4122 variant")
            seen.insert(id)
        }
        #expect(seen.count == 100_000)
    }

    @Test func framesGetFreshIdsThatSurviveTheWire() throws {
        let a = ClientMessage.control(type: .acknowledge, payloadJSON: [], now: 1)
        let b = ClientMessage.control(type: .acknowledge, payloadJSON: [], now: 1)
        #expect(a.messageId != b.messageId)
        #expect(try ClientMessage.decode(a.encode()).messageId == a.messageId)
    }
}
