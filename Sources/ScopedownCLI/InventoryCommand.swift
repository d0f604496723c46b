import ArgumentParser

/// Placeholder until its issue lands.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inventory", abstract: "(not yet implemented)")

    func run() throws {
        throw ValidationError("`inventory` is not implemented yet")
    }
}
