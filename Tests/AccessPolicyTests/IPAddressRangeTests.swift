import AccessPolicy
import Testing

struct IPAddressRangeTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.0/24", "192.168.1.255", true), ("192.168.1.0/24", "192.168.2.0", false),
        ("203.0.113.7", "203.0.113.7", true), ("203.0.113.7", "203.0.113.8", false),
        ("203.0.113.7/32", "203.0.113.7", true), ("0.0.0.0/0", "8.8.8.8", true),
        ("172.16.0.0/12", "172.31.255.255", true), ("172.16.0.0/12", "172.32.0.0", false),
        ("10.1.2.3/8", "10.9.9.9", true), // host bits are ignored
        ("2001:db8::/32", "2001:db8:1234::1", true), ("2001:db8::/32", "2001:db9::1", false),
        ("2001:db8:abcd:12::/64", "2001:db8:abcd:12:ffff:ffff:ffff:ffff", true),
        ("2001:db8:abcd:12::/64", "2001:db8:abcd:13::", false),
        ("::1/128", "::1", true), ("::/0", "2001:db8::1", true), ("fe80::/10", "fe80::1%eth0", true),
        ("fe80::/10", "fec0::1", false), ("2001:db8::/33", "2001:db8:8000::1", false),
        // Families never cross, except IPv4-mapped IPv6 addresses, which are IPv4.
        ("10.0.0.0/8", "::ffff:10.1.2.3", true), ("::ffff:10.0.0.0/104", "10.1.2.3", true),
        ("0.0.0.0/0", "2001:db8::1", false), ("::/0", "10.0.0.1", false),
        ("10.0.0.0/8", "not-an-ip", false), ("10.0.0.0/8", "010.0.0.1", false),
    ])
    func containment(cidr: String, address: String, expected: Bool) throws {
        let range = try #require(IPAddressRange(cidr), "\(cidr)")
        let contains = IPAddress(address).map(range.contains) ?? false
        #expect(contains == expected, "\(cidr) ∋ \(address)")
    }

    @Test(arguments: ["10.0.0.0/33", "256.0.0.1", "1.2.3", "1.2.3.4/", "2001:db8::/129", "2001:db8:::1", "1::2::3",
                      "12345::", "::ffff:1.2.3.4.5", "", "/8", "10.0.0.0/-1", "g::1"])
    func rejectsMalformed(_ text: String) {
        #expect(IPAddressRange(text) == nil, "\(text)")
    }

    @Test func ipv6TextRoundTripsThroughGroups() throws {
        let a = try #require(IPAddress("2001:DB8:0:0:8:800:200C:417A"))
        #expect(a == IPAddress("2001:db8::8:800:200c:417a"))
        #expect(IPAddress("::ffff:192.0.2.1")?.isIPv4 == true)
    }
}
