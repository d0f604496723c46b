import ArgumentParser
import ScopedownCore
import ScopedownRender

/// `scopedown blast-radius`: everywhere a (possibly compromised) principal holds something, and
/// the highest-risk operations it can perform there.
struct BlastRadiusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blast-radius",
        abstract: "Show every scope where a principal holds access and its highest-risk operations there.",
        discussion: """
        For each scope where the principal or one of its groups holds a role assignment, lists the \
        risky operations it effectively holds there (role assignment and role definition writes, \
        listKeys, secret and key use, run command, managed identity and federated credential writes...), \
        deny assignments applied. The view an incident responder needs when an account is compromised. \
        CSV has one row per scope and risky operation.

        Examples:
          scopedown blast-radius --db scopedown-demo.db --principal "Oscar Break-Glass"
          scopedown blast-radius --db scopedown-demo.db --principal alice.moreau@contosorobotics.example --format csv
        """
    )

    @OptionGroup var db: DatabaseOptions
    @OptionGroup var principalOptions: PrincipalOptions
    @OptionGroup var eligibility: EligibilityOptions
    @OptionGroup var output: ListOutputOptions

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        try EvaluatorCommandSupport.run(io: io) {
            let e = try EvaluatorCommandSupport.loadEvaluator(db: db.db, includeEligible: eligibility.includeEligible)
            return try Self.render(evaluator: e, principal: principalOptions.principal, format: output.format, width: output.tableWidth)
        }
    }

    static func render(evaluator e: Evaluator, principal: String, format: OutputFormat, width: Int? = 120) throws -> String {
        let id = try EvaluatorCommandSupport.resolvePrincipal(principal, in: e)
        let view = BlastRadiusView(principal: id, scopes: e.blastRadius(principal: id), names: NameBook(snapshot: e.snapshot))
        switch format {
        case .json: return view.json().render() + "\n"
        case .csv: return view.csv()
        case .table:
            let t = view.table(width: width)
            return t.hasSuffix("\n") ? t : t + "\n"
        }
    }
}
