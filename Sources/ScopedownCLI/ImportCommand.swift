import ArgumentParser

/// Placeholder until its issue lands.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "(not yet implemented)")

    func run() throws {
        throw ValidationError("`import` is not implemented yet")
    }
}
