import Foundation
import SessionCore
import Testing

/// Runs the built `gangway debug decode-frame` as an operator would. The binary sits next to the test bundle
/// (`swift build --build-tests` builds every product); GANGWAY_BIN overrides the path.
@Suite struct DecodeFrameCommandTests {
    static func gangwayBinary() throws -> String {
        if let override = ProcessInfo.processInfo.environment["GANGWAY_BIN"] { return override }
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // The test runner may live inside `<Name>.xctest/`; step out to the products directory.
        while dir.path.contains(".xctest") { dir.deleteLastPathComponent() }
        let path = dir.appendingPathComponent("gangway").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return path
    }

    static func run(_ arguments: [String], stdin: [UInt8]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try gangwayBinary())
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func printsAFrameFromHexAsJSON() throws {
        let hex = CodecVectorTests.expectedInputFrame().map { String(format: "%02x", $0) }.joined(separator: " ")
        let result = try Self.run(["debug", "decode-frame", "--hex"], stdin: Array((hex + "\n").utf8))
        #expect(result.status == 0, "stderr: \(result.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(object["messageType"] as? String == "input_stream_data")
        #expect(object["sequenceNumber"] as? Int == 5)
        #expect(object["payload"] as? String == "abc")
        #expect(object["digestValid"] as? Bool == true)
    }

    @Test func rawBytesWork() throws {
        let result = try Self.run(["debug", "decode-frame"], stdin: CodecVectorTests.expectedInputFrame())
        #expect(result.status == 0)
        #expect(result.out.contains(#""payloadTypeName": "Output""#))
    }

    @Test func garbageExitsOneWithAReason() throws {
        let short = try Self.run(["debug", "decode-frame"], stdin: Array("hello".utf8))
        #expect(short.status == 1)
        #expect(short.err.contains("shorter than the 120-byte"))
        #expect(short.out.isEmpty)
        let notHex = try Self.run(["debug", "decode-frame", "--hex"], stdin: Array("xyz".utf8))
        #expect(notHex.status == 1)
        #expect(notHex.err.contains("not hex"))
    }
}
