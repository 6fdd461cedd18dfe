import ArgumentParser
import Foundation
import SessionCore

/// `gangway debug decode-frame`: print one ClientMessage frame read from stdin as JSON.
struct DecodeFrameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode-frame",
        abstract: "Decode one binary data-channel frame from stdin and print its fields as JSON.",
        discussion: """
            Reads the whole of stdin as one frame (raw bytes, or hex text with --hex; whitespace ignored) and prints \
            every header field, the payload type name, the payload (text if UTF-8, else base64) and whether the \
            SHA-256 digest matches. Exits 1 with a message on stderr if the input is not a frame.
            """)

    @Flag(name: .long, help: "Stdin holds hex digits instead of raw bytes.")
    var hex = false

    func run() throws {
        let input = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        do throws(FrameError) {
            let bytes = hex ? try FrameDump.bytes(fromHex: String(decoding: input, as: UTF8.self)) : input
            print(try FrameDump(frame: bytes).json())
        } catch {
            FileHandle.standardError.write(Data("gangway debug decode-frame: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
