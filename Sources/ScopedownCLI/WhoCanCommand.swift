import ArgumentParser

/// Placeholder until its issue lands.
struct WhoCanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "who-can", abstract: "(not yet implemented)")

    func run() throws {
        throw ValidationError("`who-can` is not implemented yet")
    }
}
