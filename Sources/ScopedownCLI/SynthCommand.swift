import ArgumentParser
import ScopedownCore
import ScopedownSynth

extension ActivityShape: ExpressibleByArgument {}

/// `scopedown synth`: writes a deterministic synthetic tenant in real export shapes.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a synthetic tenant (inventory and Activity Log) in real export shapes.",
        discussion: """
        The same seed gives byte-identical files, all importable by `scopedown import`: the management-group tree, subscriptions, Resource Graph rows, Microsoft Graph users, groups, service principals and group members, built-in and custom roles, the operations catalog, role assignments at every level (some conditional), PIM eligible assignments, deny assignments, and Activity Log events whose callers really hold the actions they use. DIR/MANIFEST.json records the parameters and counts.

        Examples:
          scopedown synth --out tenant
          scopedown synth --out t --events 200000 --seed 7
          scopedown synth --out big --subscriptions 2000 \\
            --assignments 100000 --custom-roles 2000 \\
            --roles builtin-roles.json \\
            --catalog provider-operations.json
        """
    )

    @Option(name: .long, help: ArgumentHelp("The folder to write (created if missing).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Subscriptions.")
    var subscriptions: Int = 8

    @Option(name: .long, help: "Active role assignments.")
    var assignments: Int = 400

    @Option(name: .long, help: "Activity Log records (start, success and failure records; duplicates not counted).")
    var events: Int = 20_000

    @Option(name: .long, help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Custom roles (wildcards and NotActions).")
    var customRoles: Int = 6

    @Option(name: .long, help: ArgumentHelp("Built-in roles from an `az role definition list` export (default: an embedded set).", valueName: "file"))
    var roles: String?

    @Option(name: .long, help: ArgumentHelp("Operations catalog from `az provider operation list` (default: an embedded slice).", valueName: "file"))
    var catalog: String?

    @Option(name: .long, help: "Activity Log shape: archive (diagnostic-settings Storage archive), az, or both.")
    var activityShape: ActivityShape = .archive

    func validate() throws {
        let p = parameters
        if let problem = p.validate().first { throw ValidationError(problem.message) }
    }

    var parameters: SynthParameters {
        SynthParameters(outputDirectory: out, subscriptions: subscriptions, assignments: assignments, events: events,
                        seed: seed, customRoles: customRoles, rolesFile: roles, catalogFile: catalog,
                        activityShape: activityShape)
    }

    /// Drops control characters (ANSI escapes included) but newlines from text that echoes user
    /// input (the output folder, file names) before it reaches a terminal.
    static func terminalSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { s in
            s == "\n" || !(s.value < 0x20 || (s.value >= 0x7f && s.value < 0xa0))
        }))
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        let interactive = io.stderrIsTerminal
        let total = events
        var last = 0
        do {
            let summary = try Synthesizer.run(parameters) { written in
                guard interactive, total > 0, written - last >= 100_000 || written == total else { return }
                last = written
                io.err("\rgenerating events: \(written) / \(total) (\(written * 100 / total)%)")
                if written == total { io.err("\n") }
            }
            io.out(Self.terminalSafe(summary.text))
            if summary.activity.records < events {
                io.err("scopedown synth: warning: wrote \(summary.activity.records) of \(events) events: no assignment grants an operation the Activity Log records\n  help: raise `--assignments`\n")
            }
        } catch let d as Diagnostic {
            if interactive { io.err("\n") }
            io.errLine(Self.terminalSafe(d.description))
            throw ExitCode(1)
        }
    }
}
