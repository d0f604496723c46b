import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ScopedownCore
import ScopedownRecommend
import ScopedownRender
import ScopedownStore

/// `scopedown recommend`: a least-privilege proposal for every role assignment, proven by replay.
struct RecommendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Propose least-privilege access for every role assignment from its Activity Log use, proven by replay.",
        discussion: """
        One proposal per assignment: keep, remove, narrow-scope, replace-with-builtin, \
        replace-with-custom or make-eligible. What must be kept is what was used in the window plus \
        (--reads keep, the default) the reads and data actions the current role grants: the Activity \
        Log cannot observe them, so they are reported as unobservable, never as unused. A proposal \
        never grants an operation or a scope the current assignment does not, and every use \
        attributed to the assignment is replayed through the evaluator against it (replay.denied \
        must be 0). PIM-eligible and exempt assignments are reported, not changed; an assignment or \
        custom role created or changed after the judged usage began is too new to judge.

        --exempt FILE: one rule a line (`assignment <id>`, `principal <id or UPN>`, \
        `role <name or id>`, `tag <name>[=<value>]` on the assignment's scope or above; `#` comments).

        --custom-role-limit N (default 5000; 2000 in Azure operated by 21Vianet): the generated roles \
        stay within N minus the custom roles that exist. Over it, the roles that remove the most \
        privilege (risk-weighted) are generated, and the other assignments fall back to an existing \
        role that fits, else their current role (narrowed where the uses allow), saying why.

        --emit azcli|bicep|terraform|plan --out DIR writes the changes: az CLI role-definition JSON \
        (roles/*.json), Bicep (bicep/*.bicep, one file per deployment scope), Terraform \
        (terraform/main.tf), or a migration plan in safe order (plan.md and plan.sh: create role, \
        assign new, verify, remove old, each with its rollback).

        Examples:
          scopedown demo
          scopedown recommend --db scopedown-demo.db
          scopedown recommend --db scopedown-demo.db --format json --window 30d
          scopedown recommend --db scopedown-demo.db --emit plan --out changes/

        Exit codes: 0 success, 1 error, 64 usage error.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, markdown, csv }
    enum Reads: String, ExpressibleByArgument, CaseIterable { case keep, drop }
    enum MinScope: String, ExpressibleByArgument, CaseIterable { case resource, resourceGroup, subscription }
    enum Emit: String, ExpressibleByArgument, CaseIterable { case azcli, bicep, terraform, plan }

    @OptionGroup var db: DatabaseOptions

    @Option(help: ArgumentHelp("Days of Activity Log to judge by, ending at --as-of (e.g. 90d).", valueName: "days"))
    var window: String = "90d"

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Last day of the window, YYYY-MM-DD (default: the last day of the imported Activity Log).", valueName: "date"))
    var asOf: String?

    @Option(help: "Keep or drop the reads and data actions the Activity Log cannot observe: keep or drop.")
    var reads: Reads = .keep

    @Option(name: .customLong("min-scope"), help: "Never propose a scope below: resource, resourceGroup or subscription.")
    var minScope: MinScope = .resourceGroup

    @Option(name: .customLong("max-scopes"), help: "At most this many scopes per narrowed proposal.")
    var maxScopes: Int = 3

    @Option(help: ArgumentHelp("Assignments, principals, roles or tags never to change (see above).", valueName: "file"))
    var exempt: String?

    @Option(name: .customLong("custom-role-limit"), help: ArgumentHelp("Custom roles Azure allows per tenant: 5000, or 2000 in Azure operated by 21Vianet. Generated roles stay within it minus the existing custom roles.", valueName: "n"))
    var customRoleLimit: Int = CustomRoleLimits.rolesPerTenant

    @Flag(help: "Generated roles may use a wildcard where the catalog proves it stands for exactly kept operations.")
    var compact = false

    @Flag(help: "List every kept and removed operation with its class, instead of counting the operations a wildcard grants under that pattern.")
    var detail = false

    @Option(help: "Output format: table, json, markdown or csv.")
    var format: Format = .table

    @Flag(name: .long, help: "Table: print full assignment ids, names and scopes, however wide the lines get.")
    var wide = false

    @Option(name: .long, help: ArgumentHelp("Table: fit in this many columns (default: $COLUMNS, else the terminal's width, else 120).", valueName: "columns"))
    var width: Int?

    @Option(help: ArgumentHelp("Write the changes as azcli, bicep, terraform or plan files (repeatable; needs --out).", valueName: "kind"))
    var emit: [Emit] = []

    @Option(help: ArgumentHelp("Folder for --emit files.", valueName: "dir"))
    var out: String?

    func validate() throws {
        if windowDays == nil { throw ValidationError("--window `\(window)` is not a number of days (e.g. 90d)") }
        if let asOf, Self.day(asOf) == nil { throw ValidationError("--as-of `\(asOf)` is not a date YYYY-MM-DD") }
        if maxScopes < 1 { throw ValidationError("--max-scopes must be at least 1") }
        if !(0...CustomRoleLimits.rolesPerTenant).contains(customRoleLimit) {
            throw ValidationError("--custom-role-limit must be between 0 and \(CustomRoleLimits.rolesPerTenant) (Azure allows \(CustomRoleLimits.rolesPerTenant) custom roles per tenant, 2000 in Azure operated by 21Vianet)")
        }
        if !emit.isEmpty && out == nil { throw ValidationError("--emit needs --out DIR") }
    }

    var windowDays: Int? {
        let t = trimmingWhitespace(window).lowercased()
        let digits = t.hasSuffix("d") ? String(t.dropLast()) : t
        guard let n = Int(digits), n > 0, n <= 36_500 else { return nil }
        return n
    }

    static func day(_ text: String) -> Int? {
        let p = text.split(separator: "-")
        guard p.count == 3, p[0].count == 4, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        return CivilDate.days(year: y, month: m, day: d)
    }

    func options() throws -> RecommendOptions {
        var o = RecommendOptions()
        o.windowDays = windowDays ?? 90
        o.asOfDay = asOf.flatMap(Self.day)
        o.keepReads = reads == .keep
        o.minScope = minScope == .resource ? .resource : (minScope == .subscription ? .subscription : .resourceGroup)
        o.maxScopes = maxScopes
        o.compact = compact
        o.permissionDetail = detail
        o.customRoleLimit = customRoleLimit
        if let exempt {
            guard let data = FileManager.default.contents(atPath: exempt) else {
                throw EvaluatorCommandSupport.Failure(message: "cannot read the exemption file `\(exempt)`", help: nil)
            }
            o.exemptions = try Exemptions.parse(String(decoding: data, as: UTF8.self), file: exempt)
        }
        return o
    }

    func run() throws { try run(io: .standard()) }

    func run(io: CommandIO) throws {
        do {
            let options = try options()
            let (result, names) = try Self.recommendWithNames(db: db.db, options: options)
            if let out, !emit.isEmpty {
                let written = try RecommendEmit.write(result, kinds: emit, to: out)
                // Said on stderr, so that stdout stays the report; nothing to write is not an error
                // (no change needs a new role, or every assignment is kept).
                io.errLine(written == 0 ? "nothing to write under \(out): no proposal needs these changes"
                                        : "wrote \(written) file\(written == 1 ? "" : "s") under \(out)")
            }
            let s = result.summary
            if s.customRoleLimitExceeded && (format == .json || format == .csv) {
                io.errLine("warning: the proposals want \(s.customRolesWanted) new custom roles, but \(s.existingCustomRoles) exist and the limit is \(s.customRoleLimit) per tenant: \(result.generatedRoles.count) generated, \(s.customRoleFallbacks) assignments fell back to a proposal needing no new role")
            }
            if format == .json {
                RecommendRendering.writeJSON(result) { io.out($0) }
            } else {
                io.out(RecommendRendering.render(result, format: format, width: wide ? nil : (width.map { max(20, $0) } ?? TerminalWidth.current()), names: names))
            }
        } catch let d as Diagnostic {
            io.errLine(SafeText.terminal(d.description))
            throw ExitCode(1)
        } catch let f as EvaluatorCommandSupport.Failure {
            var text = "error: " + SafeText.terminal(f.message) + "\n"
            if let h = f.help { text += "  help: " + SafeText.terminal(h) + "\n" }
            io.err(text)
            throw ExitCode(1)
        } catch let f as EvaluatorCommandSupport.StoreFailure {
            io.errLine(f.text)
            throw ExitCode(1)
        }
    }

    /// Loads the snapshot and the recorded uses, attributes them, and recommends.
    static func recommend(db: String, options: RecommendOptions) throws -> RecommendResult {
        try recommendWithNames(db: db, options: options).0
    }

    /// `recommend`, with the names of the snapshot for the table.
    static func recommendWithNames(db: String, options: RecommendOptions) throws -> (RecommendResult, NameBook) {
        let evaluator: Evaluator
        let attributed: UseAttributionResult
        let records: UsageRecords
        do {
            let store = try Store(path: db, create: false)
            var rows: [UsageRecord]
            // The read lock is taken before the second connection starts, so both read one state
            // (as `Store.usageInputs` does): the usage rows are read there while this thread loads
            // the snapshot and builds the evaluator.
            (evaluator, records, rows) = try store.reading {
                let usage = Concurrent { Result { try Store(path: db, create: false).usageRecords() } }
                let evaluator = Evaluator(snapshot: try store.loadSnapshot())
                let (records, rows) = try (try? usage.value().get()) ?? store.usageRecords()
                return (evaluator, records, rows)
            }
            attributed = UsageAttribution(evaluator: evaluator, records: records).attributedUses(&rows)
        } catch {
            throw EvaluatorCommandSupport.StoreFailure(text: CLIErrors.describe(error, file: db))
        }
        let result = Recommender(evaluator: evaluator, options: options)
            .run(uses: attributed.uses, windowFrom: records.windowFrom, windowTo: records.windowTo)
        return (result, NameBook(snapshot: evaluator.snapshot))
    }
}
extension RecommendCommand: IOCommand {}
