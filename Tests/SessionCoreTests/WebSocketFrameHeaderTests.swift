import Testing
@testable import SessionCore

/// RFC 6455 §5.2 headers, byte for byte, on each side of the length encoding's boundaries.
@Suite("WebSocket frame header")
struct WebSocketFrameHeaderTests {
    func header(_ opcode: UInt8, _ length: Int, masked: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0xEE, count: WebSocketFrameHeader.maxBytes)
        let n = out.withUnsafeMutableBytes { WebSocketFrameHeader.write(opcode: opcode, payloadLength: length, masked: masked, into: $0) }
        return Array(out[..<n])
    }

    @Test func lengthsOnEachSideOfTheBoundaries() {
        #expect(header(0x2, 0, masked: false) == [0x82, 0x00])
        #expect(header(0x2, 125, masked: false) == [0x82, 0x7D])
        #expect(header(0x2, 126, masked: false) == [0x82, 0x7E, 0x00, 0x7E])
        #expect(header(0x2, 65535, masked: false) == [0x82, 0x7E, 0xFF, 0xFF])
        #expect(header(0x2, 65536, masked: false) == [0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00])
        #expect(header(0x2, 300_000, masked: false) == [0x82, 0x7F, 0, 0, 0, 0, 0, 0x04, 0x93, 0xE0])
    }

    @Test func maskBitAndOpcode() {
        #expect(header(0x1, 5, masked: true) == [0x81, 0x85])
        #expect(header(0x8, 126, masked: true) == [0x88, 0xFE, 0x00, 0x7E])
        #expect(header(0x9, 70_000, masked: true) == [0x89, 0xFF, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70])
    }
}
