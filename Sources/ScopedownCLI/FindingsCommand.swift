import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore
import ScopedownImport
import ScopedownRender
import ScopedownRules
import ScopedownStore

/// `scopedown findings`: every rule over the database, judged by effective permissions.
struct FindingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Audit the tenant: risky access, each finding with the evaluator's reasons.",
        discussion: """
        Runs every rule (`scopedown rules` lists them; docs/rules.md describes them) over the \
        database. Rules judge effective permissions: a custom role that grants \
        Microsoft.Authorization/* is caught like Owner. `unused-assignment` runs when an Activity \
        Log was imported; `entra-role-bridge` when Entra directory roles were.

        As a CI gate: --fail-on high exits 2 when a finding of severity high or worse remains \
        after --baseline (an earlier `--format json` or `--format sarif` output) suppressed the \
        accepted ones.

        Examples:
          scopedown findings --db scopedown-demo.db --config fixtures/demo/findings-config.json
          scopedown findings --db scopedown-demo.db --format sarif > findings.sarif
          scopedown findings --db tenant.db --format json > baseline.json
          scopedown findings --db tenant.db --baseline baseline.json --fail-on high

        Exit codes: 0 ok, 1 error, 2 findings at or above --fail-on, 64 usage error.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case table, json, csv, sarif, markdown
    }

    @OptionGroup var db: DatabaseOptions

    @Option(help: "Output format: table, json, csv, sarif or markdown.")
    var format: Format = .table

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit 2 when a finding of this severity or worse remains: critical, high, medium, low or info.", valueName: "severity"))
    var failOn: String?

    @Option(help: ArgumentHelp("Suppress the findings of an earlier run (its --format json or sarif output), by fingerprint.", valueName: "file"))
    var baseline: String?

    @Option(help: ArgumentHelp("Rule settings (JSON; see docs/rules.md for the keys and defaults).", valueName: "file"))
    var config: String?

    @Flag(help: "Count PIM-eligible assignments as granting.")
    var includeEligible = false

    @Flag(name: .long, help: "Table: one line per fact, however long.")
    var wide = false

    @Option(name: .long, help: ArgumentHelp("Table: wrap lines to this many columns (default: $COLUMNS, else the terminal's width, else 120).", valueName: "columns"))
    var width: Int?

    func validate() throws {
        if let f = failOn, Severity(rawValue: f.lowercased()) == nil {
            throw ValidationError("--fail-on `\(f)` is not a severity: use critical, high, medium, low or info")
        }
    }

    func run() throws { try run(io: .standard()) }

    func run(io: CommandIO) throws {
        var remaining: [Finding] = []
        try EvaluatorCommandSupport.run(io: io) {
            let cfg = try config.map(FindingsConfigFile.load) ?? FindingsConfig()
            let accepted = try baseline.map(FindingsBaseline.load)
            let context = try Self.loadContext(db: db.db, includeEligible: includeEligible, config: cfg, io: io)
            let all = RuleCatalog.run(context)
            remaining = all
            if let accepted {
                remaining = all.filter { !accepted.contains($0.fingerprint) }
                let stale = accepted.subtracting(all.map(\.fingerprint)).count
                io.errLine("baseline: suppressed \(all.count - remaining.count) finding(s)" + (stale > 0 ? "; \(stale) baseline entr\(stale == 1 ? "y is" : "ies are") no longer found" : ""))
            }
            return FindingsRendering.render(remaining, format: format, context: context, artifact: lastPathComponent(db.db),
                                            width: wide ? nil : (width.map { max(20, $0) } ?? TerminalWidth.current()))
        }
        if let f = failOn, let level = Severity(rawValue: f.lowercased()) {
            let failing = remaining.filter { $0.severity >= level }.count
            if failing > 0 {
                io.errLine("fail-on \(level.rawValue): \(failing) finding(s) at or above it")
                throw ExitCode(2)
            }
        }
    }

    /// The rules' inputs from an open store: the usage facts when an Activity Log was imported, the
    /// directory roles when they were, the managed identities' resources and the owners.
    static func ruleContext(store: Store, evaluator: Evaluator, report: UsageReport, config: FindingsConfig) throws -> RuleContext {
        var usage: UsageFacts?
        if let from = report.windowFrom, let to = report.windowTo {
            usage = UsageFacts(report.assignments.map { AssignmentActivity(assignment: $0.assignment, uses: $0.uses, usedActions: $0.usedActions) },
                               window: (CivilDate.isoString(from), CivilDate.isoString(to)))
        }
        let directory = try store.directoryRoles().map { DirectoryRoles(definitions: $0.definitions, assignments: $0.assignments) }
        return RuleContext(evaluator: evaluator, usage: usage, directoryRoles: directory,
                           managedIdentities: try store.managedIdentityResources(), ownerships: try store.ownerships(), config: config)
    }

    /// The rules' inputs from the database: the snapshot's evaluator, the usage report when an
    /// Activity Log was imported, the directory roles when they were.
    static func loadContext(db: String, includeEligible: Bool, config: FindingsConfig, io: CommandIO) throws -> RuleContext {
        let options = EvaluationOptions(includeEligible: includeEligible)
        do {
            let store = try Store(path: db, create: false)
            let evaluator = Evaluator(snapshot: try store.loadSnapshot(), options: options)
            ProcessLifetime.keepUntilExit(evaluator)
            let context = try ruleContext(store: store, evaluator: evaluator, report: try UsageCommand.report(store, options: options), config: config)
            if context.usage == nil { io.errLine("note: no Activity Log imported: `unused-assignment` does not run") }
            if context.directoryRoles == nil { io.errLine("note: no Entra ID directory roles imported: `entra-role-bridge` does not run") }
            return context
        } catch {
            throw EvaluatorCommandSupport.StoreFailure(text: CLIErrors.describe(error, file: db))
        }
    }
}

/// `scopedown rules`: the rule catalog.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the finding rules: id, kind, severity and summary.",
        discussion: """
        docs/rules.md has each rule's rationale, remediation and examples (generated: \
        `scopedown rules --format markdown > docs/rules.md`).

        Examples:
          scopedown rules
          scopedown rules --format json
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        case table, json, csv, markdown
    }

    @Option(help: "Output format: table, json, csv or markdown.")
    var format: Format = .table

    @Flag(name: .long, help: "Table: print the summaries in full, however wide the lines get.")
    var wide = false

    func run() throws { try run(io: .standard()) }

    func run(io: CommandIO) throws {
        io.out(Self.render(format, width: wide ? nil : TerminalWidth.current()))
    }

    /// `width`: the table's summaries are cut with `…` to fit it (nil: in full).
    static func render(_ format: Format, width: Int? = nil) -> String {
        let rules = RuleCatalog.all.map(\.description)
        switch format {
        case .table:
            var t = Table(columns: ["ID", "KIND", "SEVERITY", "SUMMARY"], fits: [.keep, .keep, .keep, .end])
            for d in rules { t.append([d.id, d.kind, d.severity.rawValue, d.summary]) }
            return t.render(width: width)
        case .json:
            return JSON.object([("rules", .array(rules.map { d in
                .object([("id", .string(d.id)), ("kind", .string(d.kind)), ("severity", .string(d.severity.rawValue)),
                         ("summary", .string(d.summary)), ("rationale", .string(d.rationale)),
                         ("remediation", .string(d.remediation)), ("needs", .strings(d.needs))])
            }))]).render() + "\n"
        case .csv:
            var c = CSV(header: ["id", "kind", "severity", "summary", "rationale", "remediation", "needs"])
            for d in rules { c.append([d.id, d.kind, d.severity.rawValue, d.summary, d.rationale, d.remediation, d.needs.joined(separator: ";")]) }
            return c.render()
        case .markdown:
            return RulesDocument.markdown()
        }
    }
}

extension FindingsCommand: IOCommand {}
extension RulesCommand: IOCommand {}
