/// The Fleet table's PLATFORM cell: an operating system as short as the column while keeping its version, which is
/// what patch triage looks for ("Debian GNU/Linux 12" cut to the column's width read "Debian GN"). The instance
/// details (`i`) and `gangway ls` show the full name.
public enum PlatformLabel {
    /// Long distribution names and the short forms their vendors use themselves.
    static let shortNames: [(long: String, short: String)] = [
        ("Red Hat Enterprise Linux Server", "RHEL"),
        ("Red Hat Enterprise Linux", "RHEL"),
        ("SUSE Linux Enterprise Server", "SLES"),
        ("Amazon Linux AMI", "Amazon Linux"),
        ("Debian GNU/Linux", "Debian"),
        ("Oracle Linux Server", "Oracle Linux"),
        ("Microsoft Windows Server", "Windows"),
        ("Microsoft Windows", "Windows"),
        ("CentOS Linux", "CentOS"),
        ("CentOS Stream", "CentOS"),
        ("Rocky Linux", "Rocky"),
        ("AlmaLinux", "Alma"),
        ("Fedora Linux", "Fedora"),
    ]

    /// `platform` ("NAME VERSION", as the console rows join SSM's PlatformName and PlatformVersion) shortened:
    /// a known long name becomes its short form, "Amazon Linux 2023" becomes "AL2023" (AWS's own name), and a
    /// Windows edition's trailing "Datacenter"/"Standard" goes. Anything else is returned as it is.
    public static func short(_ platform: String) -> String {
        var text = platform
        for (long, short) in shortNames where text.hasPrefix(long) {
            text = short + text.dropFirst(long.count)
            break
        }
        if text.hasPrefix("Amazon Linux ") {
            let version = text.dropFirst("Amazon Linux ".count)
            if let major = version.split(separator: ".").first, major == "2" || major == "2023" { return "AL" + major }
        }
        if text.hasPrefix("Windows ") {
            for edition in [" Datacenter", " Standard"] {
                if let range = text.range(of: edition) { text.removeSubrange(range) }
            }
        }
        return text
    }
}
