import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// gangwayd under a low soft limit on open files (systemd's default is 1024 soft, 524288 hard): it raises the soft
/// limit to the hard one, so connections beyond the soft limit do not lock agents and operators out.
@Suite("gangwayd and the open files limit", .serialized, .timeLimit(.minutes(2))) struct ServerLimitsEndToEndTests {
    @Test func gangwaydRaisesItsOpenFileLimitAndServesPastTheOldSoftLimit() async throws {
        try await withCluster(serverWrapper: ["/usr/bin/prlimit", "--nofile=128:4096", "--"]) { cluster in
            let pid = try #require(cluster.server?.pid)
            let limits = (try? String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)) ?? ""
            let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") } ?? ""
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            #expect(fields.count >= 5 && fields[3] == "4096", "gangwayd's open files limit: \(line)")

            // 200 connections that have sent a request head's first line (a browser, a scanner, a slow client):
            // with the old soft limit of 128 gangwayd could accept nothing more.
            let port = cluster.port
            var fds: [Int32] = []
            for _ in 0..<200 {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var addr = sockaddr_in()
                addr.sin_family = sa_family_t(AF_INET)
                addr.sin_port = in_port_t(UInt16(port).bigEndian)
                addr.sin_addr.s_addr = inet_addr("127.0.0.1")
                let rc = withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                #expect(rc == 0)
                _ = "GET /healthz HTTP/1.1\r\n".withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                fds.append(fd)
            }
            defer { fds.forEach { close($0) } }
            let id = try await cluster.startAgent("limits-1")
            let shell = try await ShellClient(cluster: cluster, target: id)
            await shell.type("echo op''en-$((5*5))\n")
            _ = try await shell.waitFor("open-25")
            #expect(await shell.exitAndClose())
            #expect(cluster.server?.stderr.contains("limit=4096") == true)
        }
    }
}
