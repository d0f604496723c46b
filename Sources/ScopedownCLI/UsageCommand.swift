import ArgumentParser

/// Placeholder until its issue lands.
struct UsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "usage", abstract: "(not yet implemented)")

    func run() throws {
        throw ValidationError("`usage` is not implemented yet")
    }
}
