import ArgumentParser
import ScopedownCore
import ScopedownRender
import ScopedownStore

/// `scopedown usage`: per role assignment, what the Activity Log says it was used for.
struct UsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show, per role assignment, the actions it was used for according to the imported Activity Log.",
        discussion: """
        An event whose diagnostic export names the authorizing assignment (evidence) counts for that assignment alone; any other event counts for every active assignment of the caller (direct or through groups) whose role grants the action at the event's scope or above. Every assignment is listed, used or not, with its principal's type, guest, disabled and orphaned (not in the directory) facts, its PIM state and whether it is conditional. Reads and data-plane actions never reach the Activity Log: they are unobservable here.

        Filters narrow the list for a review: --principal, --role, --privileged, --under SCOPE and --unused combine (all must hold).

        Examples:
          scopedown usage --db scopedown-demo.db --privileged --unused
          scopedown usage --db scopedown-demo.db --format csv \\
            --under /providers/Microsoft.Management/managementGroups/contoso-corp
        """)

    @OptionGroup var db: DatabaseOptions

    @Option(name: .long, help: ArgumentHelp("Only this principal's assignments (object id, user principal name or unambiguous display name).", valueName: "id"))
    var principal: String?

    @Option(name: .long, help: ArgumentHelp("Only assignments of this role (name or definition id).", valueName: "role"))
    var role: String?

    @Flag(name: .long, help: "Only privileged roles: those whose permissions grant `*`, role assignment or role definition writes, or reading Key Vault secrets (judged by the permissions, not the name).")
    var privileged = false

    @Option(name: .long, help: ArgumentHelp("Only assignments made at this ARM scope (starting with `/`) or below it.", valueName: "scope"))
    var under: Scope?

    @Flag(name: .long, help: "Only assignments with no recorded use.")
    var unused = false

    @OptionGroup var eligibility: EligibilityOptions

    @OptionGroup var output: ListOutputOptions

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        var report: UsageReport
        let evaluator: Evaluator
        do {
            let store = try Store(path: db.db, create: false)
            try store.requireImports()
            report = try Self.report(store, options: EvaluationOptions(includeEligible: eligibility.includeEligible))
            evaluator = Evaluator(snapshot: try store.loadSnapshot(), options: EvaluationOptions(includeEligible: eligibility.includeEligible))
        } catch {
            io.errLine(CLIErrors.describe(error, file: db.db))
            throw ExitCode(1)
        }
        let context = UsageViews.Context(evaluator: evaluator, width: output.tableWidth)
        do {
            report.assignments = try UsageFilter(principal: principal, role: role, privileged: privileged, under: under, unused: unused)
                .apply(report.assignments, evaluator: evaluator)
        } catch let f as EvaluatorCommandSupport.Failure {
            io.errLine("error: " + SafeText.terminal(f.message))
            if let h = f.help { io.errLine("  help: " + SafeText.terminal(h)) }
            throw ExitCode(1)
        }
        io.out(UsageRendering.render(report, format: output.format, context: context))
    }

    /// The usage report over the whole database (`usage`, `findings`): the rows read on a second
    /// connection while the snapshot loads, then attributed on every core (`UsageAttribution`).
    static func report(_ store: Store, options: EvaluationOptions = EvaluationOptions(),
                       workers: Int = UsageAttribution.defaultWorkers) throws -> UsageReport {
        var (attribution, rows) = try store.usageInputs(options: options, parallel: workers > 1) {
            UsageAttribution(evaluator: $0, records: $1)
        }
        return attribution.report(&rows, workers: workers).report
    }
}

/// The review filters of `usage`, applied to the report's assignments.
struct UsageFilter {
    var principal: String?
    var role: String?
    var privileged = false
    var under: Scope?
    var unused = false

    func apply(_ rows: [AssignmentUsage], evaluator e: Evaluator) throws -> [AssignmentUsage] {
        var rows = rows
        if let principal {
            let id = try EvaluatorCommandSupport.resolvePrincipal(principal, in: e)
            rows = rows.filter { AzureID.guidKey($0.principal) == id }
        }
        if let role {
            let want = role.trimmingSpaces().lowercased()
            // The report names roles by name: match the names of the definitions given by name or id.
            let roleNames = Set(e.snapshot.roleDefinitions.filter { $0.roleName.lowercased() == want || RoleListView.key($0.id) == RoleListView.key(want) }
                .map(\.roleName))
            guard !roleNames.isEmpty else {
                throw EvaluatorCommandSupport.Failure(message: "no role definition is named `\(role)`",
                                                      help: "`scopedown roles --db <db>` lists the imported roles")
            }
            rows = rows.filter { roleNames.contains($0.role) }
        }
        if privileged {
            let names = Set(e.snapshot.roleDefinitions.filter { PrivilegedRoles.isPrivileged($0) }.map(\.roleName))
            rows = rows.filter { names.contains($0.role) }
        }
        if let under {
            rows = rows.filter { EvaluatorCommandSupport.isAtOrBelow(Scope($0.scope), under, in: e) }
        }
        if unused { rows = rows.filter { $0.uses == 0 } }
        return rows
    }
}

/// The usage report in the format asked for (UsageViews, in ScopedownRender).
enum UsageRendering {
    static func render(_ r: UsageReport, format: OutputFormat, context: UsageViews.Context = UsageViews.Context()) -> String {
        switch format {
        case .json: return UsageViews.jsonText(r, context: context)
        case .csv: return UsageViews.csvText(r, context: context)
        case .table: return UsageViews.table(r, context: context)
        }
    }
}
