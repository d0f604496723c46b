import ArgumentParser

/// Placeholder until its issue lands.
struct EffectiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "effective", abstract: "(not yet implemented)")

    func run() throws {
        throw ValidationError("`effective` is not implemented yet")
    }
}
