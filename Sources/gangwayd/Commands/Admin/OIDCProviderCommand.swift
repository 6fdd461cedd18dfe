import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D oidc add|list|remove`: the OpenID Connect providers whose ID tokens
/// `AssumeRoleWithWebIdentity` accepts. A running gangwayd uses changes from its next call on.
struct OIDCProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidc", abstract: "Trusted OpenID Connect identity providers (SSO).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add or replace a provider.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "A name for the provider (e.g. corp).") var name: String
        @Option(help: "The issuer exactly as the ID tokens' iss claim says it.") var issuer: String
        @Option(help: "An accepted audience (client id); repeat for several.") var audience: [String] = []
        @Option(help: "JWKS file with the provider's public keys (re-read when it changes).") var jwksFile: String?
        @Option(help: "JWKS URL (fetched with libcurl, cached 5 min, refetched when a token names an unknown kid).")
        var jwksUrl: String?
        @Option(help: "Clock skew tolerated on exp/nbf/iat, seconds (default 60).") var leeway: Double = 60

        func run() async throws {
            let store = try SQLiteTemporaryCredentialStore(dataDir: URL(fileURLWithPath: options.dataDir))
            let file = jwksFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let p = OIDCProviderConfig(name: name, issuer: issuer, audiences: audience, jwksFile: file, jwksURL: jwksUrl,
                                       leeway: leeway)
            try await runPolicyAdmin {
                let created = try await store.putProvider(p, now: Date())
                print("\(created ? "added" : "replaced") OIDC provider \(name): issuer \(issuer), audiences \(audience.joined(separator: ", "))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List providers as JSON lines.")
        @OptionGroup var options: AdminOptions

        func run() async throws {
            let store = try SQLiteTemporaryCredentialStore(dataDir: URL(fileURLWithPath: options.dataDir))
            for p in try await store.providers() {
                var o: [String: Any] = ["Name": p.name, "Issuer": p.issuer, "Audiences": p.audiences, "Leeway": p.leeway]
                o["JwksFile"] = p.jwksFile
                o["JwksUrl"] = p.jwksURL
                printJSON(o)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a provider.")
        @OptionGroup var options: AdminOptions
        @Argument(help: "Provider name.") var name: String

        func run() async throws {
            let store = try SQLiteTemporaryCredentialStore(dataDir: URL(fileURLWithPath: options.dataDir))
            try await runPolicyAdmin {
                try await store.deleteProvider(named: name)
                print("removed OIDC provider \(name)")
            }
        }
    }
}
