import AWSCore
import Foundation
import Testing

@Suite struct ClockSkewTests {
    let refusal = #"{"__type":"InvalidSignatureException","message":"Signature not yet current: 20261202T184017Z is still later than 20261202T183517Z (20261202T183017Z + 5 min.)"}"#

    @Test func aRefusalForTheSigningTimeTeachesTheServersTime() throws {
        let local = Date(timeIntervalSince1970: 1_796_236_817)        // 10 min ahead of the server below
        let skew = ClockSkew(localClock: { local })
        let date = [("Date", "Wed, 02 Dec 2026 18:30:17 GMT")]
        let server = try #require(ClockSkew.parseHTTPDate("Wed, 02 Dec 2026 18:30:17 GMT"))
        #expect(server.timeIntervalSince1970 == 1_796_236_217)
        let learnt = skew.learn(status: 400, headers: date, body: refusal)
        #expect(learnt == -600)
        #expect(skew.now() == server)
        // The same skew again (a second, parallel refusal): nothing new, no second warning or retry loop.
        #expect(skew.learn(status: 400, headers: date, body: refusal) == nil)
        #expect(ClockSkew.describe(-600) == "10 min 0 s ahead of")
        #expect(ClockSkew.describe(42) == "42 s behind")
    }

    @Test func otherResponsesTeachNothing() {
        let skew = ClockSkew(localClock: { Date(timeIntervalSince1970: 1_796_236_217) })
        let date = [("date", "Wed, 02 Dec 2026 18:30:17 GMT")]
        // Success, another refusal, no Date header, a Date header that does not parse: the offset stays 0.
        #expect(skew.learn(status: 200, headers: date, body: "{}") == nil)
        #expect(skew.learn(status: 400, headers: date, body: #"{"__type":"UnrecognizedClientException"}"#) == nil)
        #expect(skew.learn(status: 403, headers: [], body: refusal) == nil)
        #expect(skew.learn(status: 403, headers: [("Date", "yesterday")], body: refusal) == nil)
        #expect(skew.offset == 0)
        #expect(ClockSkew.refusesSigningTime(status: 403, body: "<Code>RequestTimeTooSkewed</Code>"))
        #expect(ClockSkew.refusesSigningTime(status: 400, body: "Signature expired: 20261202T180000Z is now earlier than …"))
        #expect(!ClockSkew.refusesSigningTime(status: 500, body: "Signature expired"))
    }
}
