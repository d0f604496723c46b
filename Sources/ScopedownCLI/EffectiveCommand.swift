import ArgumentParser
import ScopedownCore
import ScopedownRender

/// `scopedown effective`: the concrete catalog operations a principal holds at a scope.
struct EffectiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "effective",
        abstract: "List the operations a principal effectively holds at a scope.",
        discussion: """
        Unions the principal's own assignments and those of every group it belongs to (transitively), \
        at the scope and every ancestor up to `/`, subtracts NotActions per role block, then removes \
        what deny assignments block. Actions, data actions and denied operations come from the imported \
        catalog; names only roles mention are listed apart as uncatalogued (held or denied). CSV lists \
        the grants, one row each, with the principal's type, guest, disabled and orphaned facts.

        Examples:
          scopedown effective --db scopedown-demo.db \\
            --principal alice.moreau@contosorobotics.example \\
            --scope /subscriptions/510d70ff-a43d-4482-82ed-32a9192a58db
          scopedown effective --db scopedown-demo.db --principal "Leo Marchetti" --scope / --format csv
        """
    )

    @OptionGroup var db: DatabaseOptions
    @OptionGroup var principalOptions: PrincipalOptions
    @OptionGroup var scopeOptions: ScopeOptions
    @OptionGroup var eligibility: EligibilityOptions
    @OptionGroup var output: ListOutputOptions

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        let principal = principalOptions.principal, scope = scopeOptions.scope.display, format = output.format
        try EvaluatorCommandSupport.run(io: io) {
            let e = try EvaluatorCommandSupport.loadEvaluator(db: db.db, includeEligible: eligibility.includeEligible, evaluationOnly: true)
            if !scopeOptions.allowUnknownScope { try EvaluatorCommandSupport.checkKnownScope(scope, db: db.db, evaluator: e) }
            EvaluatorCommandSupport.warnGuessedPlanes(db: db.db, io: io)
            let out = try Self.render(evaluator: e, principal: principal, scope: scope, format: format, width: output.tableWidth)
            if format != .table, let id = try? EvaluatorCommandSupport.resolvePrincipal(principal, in: e),
               let s = try? EvaluatorCommandSupport.scope(scope) {
                EvaluatorCommandSupport.warnUnknownRoles(e.applicableAssignments(principal: id, scope: s), io: io)
            }
            return out
        }
    }

    static func render(evaluator e: Evaluator, principal: String, scope: String, format: OutputFormat, width: Int? = 120) throws -> String {
        let id = try EvaluatorCommandSupport.resolvePrincipal(principal, in: e)
        let s = try EvaluatorCommandSupport.scope(scope)
        let view = EffectiveView(access: e.effective(principal: id, scope: s), names: NameBook(snapshot: e.snapshot))
        switch format {
        case .json: return view.json().render() + "\n"
        case .csv: return view.csv()
        case .table: return view.table(width: width)
        }
    }
}
