import Testing
@testable import HostAgent

@Suite("UTF-8 chunk boundaries") struct UTF8BoundaryTests {
    @Test func holdsBackASplitMultibyteCharacterAndReleasesItWithTheNextChunk() {
        let text = Array("a€b😀c".utf8)  // € is 3 bytes, 😀 is 4
        var boundary = UTF8Boundary()
        var out: [UInt8] = []
        // Feed one byte at a time: every emitted chunk must be valid UTF-8 on its own.
        for byte in text {
            let chunk = boundary.complete([byte])
            #expect(String(validating: chunk, as: UTF8.self) != nil)
            out += chunk
        }
        out += boundary.flush()
        #expect(out == text)
    }

    @Test func everySplitPointOfAMixedStringRoundTrips() {
        let text = Array("héllo wörld ✓ 日本語 🎉!".utf8)
        for split in 0...text.count {
            var b = UTF8Boundary()
            let first = b.complete(Array(text[..<split]))
            let second = b.complete(Array(text[split...]))
            #expect(String(validating: first, as: UTF8.self) != nil)
            #expect(first + second + b.flush() == text)
        }
    }

    @Test func invalidBytesAreNotHeld() {
        var b = UTF8Boundary()
        #expect(b.complete([0x41, 0xFF]) == [0x41, 0xFF])
        #expect(b.complete([0x80, 0x80, 0x80, 0x80]) == [0x80, 0x80, 0x80, 0x80])
        #expect(b.pending.isEmpty)
    }
}
