import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D role create NAME --trust FILE|JSON [--max-session-duration SECONDS]`: roles are what
/// SSO users assume (`AssumeRoleWithWebIdentity`); the trust document says which ID tokens may (docs/POLICY.md).
struct PolicyRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Roles (assumed through SSO); attach policies with `policy attach --role`.",
        subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a role.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Role name.") var name: String
        @Option(help: "Longest temporary credentials issued for the role, in seconds (900–43200).")
        var maxSessionDuration = 3600
        @Option(help: ArgumentHelp("Trust document (a file, or the JSON itself), e.g. {\"Issuer\":\"https://idp.example\",\"Audience\":\"gangway\",\"Claims\":{\"groups\":\"sre\"}}. Without it no web identity may assume the role.", valueName: "FILE|JSON"))
        var trust: String?

        func run() async throws {
            var document = "{}"
            if let trust {
                var text = trust
                if !trust.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
                    guard let data = FileManager.default.contents(atPath: trust) else {
                        throw ValidationError("--trust: cannot read \(trust); give a file or the JSON itself")
                    }
                    text = String(decoding: data, as: UTF8.self)
                }
                do { _ = try RoleTrust(parsing: text) } catch { throw ValidationError("--trust: \(error)") }
                document = text
            }
            let admin = try options.openPolicyAdministration()
            try await runPolicyAdmin {
                try await admin.createRole(name, trust: document, maxSessionSeconds: maxSessionDuration)
                print("created role \(name)\(trust == nil ? " (no trust: web identities cannot assume it yet)" : "")")
            }
        }
    }
}
