import Foundation
import Testing
@testable import GangwayClient

@Suite struct TargetResolverTests {
    static let fleet = [
        InstanceInformation(InstanceId: "mi-0123456789abcdef0", PingStatus: "Online", ComputerName: "web-1"),
        InstanceInformation(InstanceId: "mi-0123456789abcdef1", PingStatus: "Online", ComputerName: "web-2"),
        InstanceInformation(InstanceId: "i-0fedcba9876543210", PingStatus: "Online", ComputerName: "ip-10-0-0-1", Name: "db-primary"),
        InstanceInformation(InstanceId: "mi-00000000000000aaa", PingStatus: "ConnectionLost", ComputerName: "Web"),
    ]

    func resolved(_ t: String) -> String? {
        if case .instance(let i) = TargetResolver.resolve(t, among: Self.fleet) { return i.InstanceId }
        return nil
    }

    @Test func exactIdAndNames() {
        #expect(resolved("mi-0123456789abcdef1") == "mi-0123456789abcdef1")
        #expect(resolved("web-2") == "mi-0123456789abcdef1")
        #expect(resolved("db-primary") == "i-0fedcba9876543210")
        #expect(resolved("ip-10-0-0-1") == "i-0fedcba9876543210")
        // Exact case wins over the case-insensitive match of "web-…" names.
        #expect(resolved("Web") == "mi-00000000000000aaa")
        #expect(resolved("DB-PRIMARY") == "i-0fedcba9876543210")
    }

    @Test func uniquePrefixResolvesAndSharedPrefixIsAmbiguous() {
        #expect(resolved("db") == "i-0fedcba9876543210")
        #expect(resolved("i-0f") == "i-0fedcba9876543210")
        guard case .ambiguous(let c) = TargetResolver.resolve("web-", among: Self.fleet) else {
            Issue.record("expected ambiguous"); return
        }
        #expect(c.map(\.InstanceId) == ["mi-0123456789abcdef0", "mi-0123456789abcdef1"])
        guard case .ambiguous(let d) = TargetResolver.resolve("mi-0123", among: Self.fleet) else {
            Issue.record("expected ambiguous"); return
        }
        #expect(d.count == 2)
    }

    @Test func unknownAndEmptyAreNotFound() {
        #expect(TargetResolver.resolve("nothing", among: Self.fleet) == .notFound)
        #expect(TargetResolver.resolve("  ", among: Self.fleet) == .notFound)
        #expect(TargetResolver.resolve("web", among: []) == .notFound)
    }

    @Test func instanceIdShape() {
        #expect(TargetResolver.looksLikeInstanceId("i-0123456789abcdef0"))
        #expect(TargetResolver.looksLikeInstanceId("mi-0123456789abcdef0"))
        #expect(!TargetResolver.looksLikeInstanceId("web-1"))
        #expect(!TargetResolver.looksLikeInstanceId("i-xyz"))
    }

    @Test func relativeTimes() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(RelativeTime.ago(now.addingTimeInterval(-12), now: now) == "12 s ago")
        #expect(RelativeTime.ago(now.addingTimeInterval(-7 * 60 - 5), now: now) == "7 min ago")
        #expect(RelativeTime.ago(now.addingTimeInterval(-3 * 3600), now: now) == "3 h ago")
        #expect(RelativeTime.ago(now.addingTimeInterval(-2 * 86_400), now: now) == "2 d ago")
        #expect(RelativeTime.ago(nil, now: now) == "never")
    }
}
