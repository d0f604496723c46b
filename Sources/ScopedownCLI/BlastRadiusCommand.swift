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
        deny assignments applied. The view an incident responder needs when an account is compromised.

        Example:
          scopedown blast-radius --db tenant.db --principal build-agent --format json
        """
    )

    @OptionGroup var db: DatabaseOptions

    @Option(help: ArgumentHelp("Object id, user principal name or unambiguous display name.", valueName: "id"))
    var principal: String

    @Flag(help: "Count PIM-eligible assignments as granting.")
    var includeEligible = false

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        try EvaluatorCommandSupport.checkFormat(format)
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        try EvaluatorCommandSupport.run(io: io) {
            let e = try EvaluatorCommandSupport.loadEvaluator(db: db.db, includeEligible: includeEligible)
            return try Self.render(evaluator: e, principal: principal, format: format)
        }
    }

    static func render(evaluator e: Evaluator, principal: String, format: OutputFormat) throws -> String {
        let id = try EvaluatorCommandSupport.resolvePrincipal(principal, in: e)
        let scopes = e.blastRadius(principal: id)
        if format == .json { return json(id, scopes).render() + "\n" }
        return table(id, scopes, evaluator: e)
    }

    static func json(_ id: String, _ scopes: [Evaluator.BlastScope]) -> JSON {
        .object([
            ("principal", .string(id)),
            ("scopes", .array(scopes.map { s in
                .object([
                    ("scope", .string(s.scope.display)),
                    ("level", .string(s.scope.level.name)),
                    ("assignments", .array(s.assignments.map(EvaluatorCommandSupport.grantJSON))),
                    ("riskyOperations", .array(s.risky.map { r in
                        .object([("operation", .string(r.operation.name)), ("plane", .string(r.operation.plane.rawValue)),
                                 ("risk", .string(r.operation.risk)), ("conditional", .bool(r.conditional))])
                    })),
                ])
            })),
        ])
    }

    static func table(_ id: String, _ scopes: [Evaluator.BlastScope], evaluator e: Evaluator) -> String {
        var out = "principal: \(SafeText.terminal(EvaluatorCommandSupport.principalLabel(id, in: e)))\n"
        out += "\(scopes.count) scope(s) with access\n"
        for s in scopes {
            out += "\n\(SafeText.terminal(s.scope.display)) (\(s.scope.level.name))\n"
            for g in s.assignments {
                let via = g.via.isEmpty ? "direct" : "via \(EvaluatorCommandSupport.viaLabel(g.via, in: e))"
                let line = "  role: \(EvaluatorCommandSupport.roleLabel(g)) (\(via)\(g.conditional ? ", conditional" : "")\(g.state == .eligible ? ", eligible" : ""))"
                out += SafeText.terminal(line) + "\n"
            }
            if s.risky.isEmpty {
                out += "  no high-risk operation\n"
            } else {
                var t = Table(columns: ["RISKY OPERATION", "PLANE", "RISK", "CONDITIONAL"])
                for r in s.risky {
                    t.append([r.operation.name, r.operation.plane.rawValue, r.operation.risk, r.conditional ? "yes" : "no"])
                }
                out += t.render().split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
            }
        }
        return out
    }
}
