import Foundation
import Testing
@testable import GangwayClient
#if canImport(Glibc)
import Glibc
#endif

/// `gangway connect`'s terminal output: what arrives before the terminal is set up is held and comes out first, in
/// order, even while the data channel's loop keeps writing during `open()`.
@Suite struct TerminalOutputTests {
    /// A pipe whose read end is drained on a thread; `text()` is everything written so far.
    final class PipeSink: @unchecked Sendable {
        // @unchecked: `data` is guarded by `lock`; the fds are set once.
        let readFD: Int32, writeFD: Int32
        private let lock = NSLock()
        private var data: [UInt8] = []
        private let done = DispatchSemaphore(value: 0)

        init() {
            var fds: [Int32] = [0, 0]
            pipe(&fds)
            readFD = fds[0]
            writeFD = fds[1]
            Thread { [self] in
                var buf = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(readFD, &buf, buf.count)
                    if n <= 0 { break }
                    lock.lock(); data += buf[0..<n]; lock.unlock()
                }
                done.signal()
            }.start()
        }

        /// Closes the write end and returns everything that came through.
        func finish() -> [UInt8] {
            close(writeFD)
            done.wait()
            close(readFD)
            lock.lock(); defer { lock.unlock() }
            return data
        }
    }

    @Test func heldUntilOpenThenWrittenAsItComesAndNothingAfterClose() {
        let sink = PipeSink()
        let output = TerminalOutput(fd: sink.writeFD)
        output.write(Array("prompt$ ".utf8))
        #expect(output.heldBytes == 8)
        output.open()
        #expect(output.heldBytes == 0)
        output.write(Array("ls\r\n".utf8))
        output.open()  // a second open writes nothing again
        output.close()
        output.write(Array("after close".utf8))
        #expect(String(decoding: sink.finish(), as: UTF8.self) == "prompt$ ls\r\n")
    }

    @Test func openingWhileTheLoopWritesKeepsEveryByteInOrder() {
        let sink = PipeSink()
        let output = TerminalOutput(fd: sink.writeFD)
        let chunks = 20_000
        let started = DispatchSemaphore(value: 0)
        let writer = Thread {
            for i in 0..<chunks {
                if i == 100 { started.signal() }
                output.write(Array("\(i)\n".utf8))
            }
        }
        writer.start()
        started.wait()     // some output is held by now
        output.open()      // while the writer goes on
        while !writer.isFinished { usleep(1000) }
        let lines = String(decoding: sink.finish(), as: UTF8.self).split(separator: "\n").map { Int($0) ?? -1 }
        #expect(lines.count == chunks && lines.elementsEqual(0..<chunks), "\(lines.count) lines, first out of order at \(zip(lines, 0...).first { $0 != $1 }.map { "\($0)" } ?? "none")")
    }
}
