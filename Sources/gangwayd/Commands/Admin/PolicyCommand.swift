import AccessPolicy
import ArgumentParser
import ControlPlane
import Foundation

/// `gangwayd admin --data-dir D policy put|get|list|delete|attach|detach|simulate|tag`
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "IAM-style access policies: store, attach, simulate.",
        subcommands: [PolicyPutCommand.self, PolicyGetCommand.self, PolicyListCommand.self, PolicyDeleteCommand.self,
                      PolicyAttachCommand.self, PolicyDetachCommand.self, PolicySimulateCommand.self,
                      PolicyTagCommand.self])
}

/// `policy put NAME --file F`: validates (line/column errors) and stores or replaces a policy.
struct PolicyPutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "put", abstract: "Create or replace a policy from a JSON file.")
    @OptionGroup var options: AdminOptions
    @Argument(help: "Policy name.") var name: String
    @Option(help: "The policy document (JSON); `-` reads standard input.") var file: String

    func run() async throws {
        let text: String
        if file == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file): no such file or not readable")
            }
            text = String(decoding: data, as: UTF8.self)
        }
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            let created = try await admin.put(name: name, document: text, source: file == "-" ? "stdin" : file)
            print("\(created ? "created" : "replaced") policy \(name)")
        }
    }
}

struct PolicyGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print a policy document.")
    @OptionGroup var options: AdminOptions
    @Argument(help: "Policy name.") var name: String

    func run() async throws {
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin { print(try await admin.get(name: name)) }
    }
}

struct PolicyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List policies and who they are attached to.")
    @OptionGroup var options: AdminOptions

    func run() async throws {
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            for p in try await admin.list() {
                let who = p.attachedTo.isEmpty ? "(not attached)" : p.attachedTo.map(\.description).joined(separator: " ")
                print("\(p.name)\(p.builtin ? " [built-in]" : "")\t\(who)")
            }
        }
    }
}

struct PolicyDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a policy that is not attached.")
    @OptionGroup var options: AdminOptions
    @Argument(help: "Policy name.") var name: String

    func run() async throws {
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            try await admin.delete(name: name)
            print("deleted policy \(name)")
        }
    }
}

struct PolicyAttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attach", abstract: "Attach a policy to a user, group or role.")
    @OptionGroup var options: AdminOptions
    @OptionGroup var principal: PolicyPrincipalOptions
    @Option(help: "Policy name (AdministratorAccess and ReadOnlyAccess are built in).") var policy: String

    func run() async throws {
        let p = try principal.principal()
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            try await admin.attach(policy: policy, to: p)
            print("attached \(policy) to \(p)")
        }
    }
}

struct PolicyDetachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "detach", abstract: "Detach a policy from a user, group or role.")
    @OptionGroup var options: AdminOptions
    @OptionGroup var principal: PolicyPrincipalOptions
    @Option(help: "Policy name.") var policy: String

    func run() async throws {
        let p = try principal.principal()
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            try await admin.detach(policy: policy, from: p)
            print("detached \(policy) from \(p)")
        }
    }
}

/// `policy tag --user alice team=sre [env=]`: principal tags for `aws:PrincipalTag/<k>` (an empty value removes).
struct PolicyTagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Set (KEY=VALUE) or remove (KEY=) tags on a user or role.")
    @OptionGroup var options: AdminOptions
    @OptionGroup var principal: PolicyPrincipalOptions
    @Argument(help: "KEY=VALUE pairs; KEY= removes the tag.") var tags: [String]

    func run() async throws {
        let p = try principal.principal()
        let pairs = try tags.map { t -> (String, String?) in
            guard let eq = t.firstIndex(of: "=") else { throw ValidationError("tag `\(t)` must be KEY=VALUE (or KEY= to remove)") }
            let value = String(t[t.index(after: eq)...])
            return (String(t[..<eq]), value.isEmpty ? nil : value)
        }
        let admin = try options.openPolicyAdministration()
        try await runPolicyAdmin {
            for (k, v) in pairs { try await admin.setTag(k, value: v, on: p) }
            print("tagged \(p)")
        }
    }
}
