import Foundation
import GangwayClient
import Logging
import Testing

@Suite struct LogFileTests {
    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "gw-logfile-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func linesGoToAPrivateFileOneRecordPerLine() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state/gangway/console.log"
        let file = try LogFile(path: path)
        let logger = Logger(label: "gangway.fleet") { file.handler(label: $0, level: .info) }
        logger.debug("not at this level")
        logger.info("data channel socket ended", metadata: ["session": "op-1"])
        logger.warning("two\nlines")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2, "\(text)")
        #expect(lines.first?.hasSuffix("info gangway.fleet: data channel socket ended session=op-1") == true, "\(text)")
        #expect(lines.last?.hasSuffix("warning gangway.fleet: two\\nlines") == true, "\(text)")
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
        let dirMode = (try FileManager.default.attributesOfItem(atPath: dir + "/state/gangway")[.posixPermissions] as? Int) ?? 0
        #expect(dirMode == 0o700)
    }

    @Test func aFileOverTheLimitIsMovedAsideAtOpen() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/console.log"
        try Data(repeating: 0x41, count: LogFile.rotateBytes + 1).write(to: URL(fileURLWithPath: path))
        let file = try LogFile(path: path)
        file.append("fresh")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "fresh\n")
        #expect(FileManager.default.fileExists(atPath: path + ".1"))
        // Under the limit it is appended to.
        let again = try LogFile(path: path)
        again.append("more")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "fresh\nmore\n")
    }

    @Test func defaultPathFollowsXDGStateHome() {
        #expect(LogFile.defaultConsolePath(environment: ["HOME": "/home/op"]) == "/home/op/.local/state/gangway/console.log")
        #expect(LogFile.defaultConsolePath(environment: ["HOME": "/home/op", "XDG_STATE_HOME": "/var/st"]) == "/var/st/gangway/console.log")
        #expect(LogFile.defaultConsolePath(environment: ["XDG_STATE_HOME": "relative"]) == nil)
    }

    @Test func anUnwritablePlaceIsAClearError() {
        #expect(throws: (any Error).self) { try LogFile(path: "/proc/gangway-cannot/console.log") }
    }
}
