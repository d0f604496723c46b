import ArgumentParser
import ScopedownCore
import ScopedownSynth
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Writes to file descriptor 2 (the C `stderr` global is not concurrency-safe in Swift 6).
    static func standardError(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// Drops control characters (ANSI escapes included) but newlines from text that echoes user
    /// input (the output folder, file names) before it reaches a terminal.
    static func terminalSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { s in
            s == "\n" || !(s.value < 0x20 || (s.value >= 0x7f && s.value < 0xa0))
        }))
    }

    func run() throws {
        let interactive = isatty(2) != 0
        let total = events
        var last = 0
        do {
            let summary = try Synthesizer.run(parameters) { written in
                guard interactive, total > 0, written - last >= 100_000 || written == total else { return }
                last = written
                let line = "\rgenerating events: \(written) / \(total) (\(written * 100 / total)%)"
                Self.standardError(line)
                if written == total { Self.standardError("\n") }
            }
            print(Self.terminalSafe(summary.text), terminator: "")
            if summary.activity.records < events {
                Self.standardError("scopedown synth: warning: wrote \(summary.activity.records) of \(events) events: no assignment grants an operation the Activity Log records\n  help: raise `--assignments`\n")
            }
        } catch let d as Diagnostic {
            if interactive { Self.standardError("\n") }
            Self.standardError(Self.terminalSafe(d.description) + "\n")
            throw ExitCode(1)
        }
    }
}
