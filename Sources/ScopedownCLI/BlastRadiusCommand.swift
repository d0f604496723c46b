import ArgumentParser

/// Placeholder until its issue lands.
struct BlastRadiusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "blast-radius", abstract: "(not yet implemented)")

    func run() throws {
        throw ValidationError("`blast-radius` is not implemented yet")
    }
}
