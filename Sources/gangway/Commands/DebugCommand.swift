import ArgumentParser

struct DebugCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug", abstract: "Tools for debugging interoperability.", subcommands: [DecodeFrameCommand.self])
}
