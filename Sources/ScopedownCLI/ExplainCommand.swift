import ArgumentParser

/// Placeholder until its issue lands.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "(not yet implemented)")

    func run() throws {
        throw ValidationError("`explain` is not implemented yet")
    }
}
