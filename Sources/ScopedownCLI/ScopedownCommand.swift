import ArgumentParser

/// The root command. Exit codes (docs/cli.md): 0 success, 1 error (bad input, missing database),
/// 2 findings at or above `--fail-on` (later issues), 64 usage error.
public struct ScopedownCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "scopedown",
        abstract: "Least-privilege analyzer for Azure RBAC: who can do what, where, and how much of it they use.",
        discussion: """
        Import your tenant's exports into one SQLite file, then ask it questions offline.

        Start with the bundled demo tenant:
          scopedown demo
          scopedown inventory --db scopedown-demo.db
          scopedown who-can --db scopedown-demo.db --scope / \\
              --action Microsoft.Authorization/roleAssignments/write

        Exit codes: 0 success, 1 error, 2 findings at or above --fail-on, 64 usage error.
        """,
        version: "0.1.0",
        subcommands: [
            DemoCommand.self,
            ImportCommand.self,
            InventoryCommand.self,
            EffectiveCommand.self,
            WhoCanCommand.self,
            ExplainCommand.self,
            BlastRadiusCommand.self,
            UsageCommand.self,
            RecommendCommand.self,
            SynthCommand.self,
            FindingsCommand.self,
            RulesCommand.self,
            DiffCommand.self,
            ReportCommand.self,
            ReviewApplyCommand.self,
        ]
    )

    public init() {}
}
