import ArgumentParser

/// Placeholder until its issue lands.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "synth", abstract: "(not yet implemented)")

    func run() throws {
        throw ValidationError("`synth` is not implemented yet")
    }
}
