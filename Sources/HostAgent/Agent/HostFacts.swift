import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the agent reports about its host: name, platform, address.
public struct HostFacts: Sendable, Equatable {
    public var computerName: String
    public var platformType: String
    public var platformName: String
    public var platformVersion: String
    public var ipAddress: String

    public init(computerName: String, platformType: String = "Linux", platformName: String, platformVersion: String,
                ipAddress: String) {
        self.computerName = computerName
        self.platformType = platformType
        self.platformName = platformName
        self.platformVersion = platformVersion
        self.ipAddress = ipAddress
    }

    /// Reads this host: hostname, /etc/os-release NAME and VERSION_ID, first non-loopback IPv4 address.
    public static func detect(osReleasePath: String = "/etc/os-release") -> HostFacts {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count - 1)
        let release = parseOSRelease((try? String(contentsOfFile: osReleasePath, encoding: .utf8)) ?? "")
        return HostFacts(computerName: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                         platformName: release["NAME"] ?? "Linux", platformVersion: release["VERSION_ID"] ?? "",
                         ipAddress: firstIPv4() ?? "127.0.0.1")
    }

    static func parseOSRelease(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: eq)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            out[String(line[..<eq])] = value
        }
        return out
    }

    static func firstIPv4() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let addr = entry.pointee.ifa_addr, addr.pointee.sa_family == sa_family_t(AF_INET),
                  entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK) == 0 else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(addr, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 {
                return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return nil
    }
}
