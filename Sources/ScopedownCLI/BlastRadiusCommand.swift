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
            ("scopes", .array(scopes.map { s -> JSON in
                var fields: [(String, JSON)] = [
                    ("scope", .string(s.scope.display)),
                    ("level", .string(s.scope.level.name)),
                ]
                // A management group (or `/`) reaches every subscription below it.
                if s.scope.level == .managementGroup || s.scope.level == .root {
                    fields.append(("subscriptionCount", .int(s.subscriptions.count)))
                    fields.append(("subscriptions", .strings(s.subscriptions)))
                }
                fields.append(("assignments", .array(s.assignments.map(EvaluatorCommandSupport.grantJSON))))
                fields.append(("riskyOperations", .array(s.risky.map { r in
                    .object([("operation", .string(r.operation.name)), ("plane", .string(r.operation.plane.rawValue)),
                             ("catalogued", .bool(r.catalogued)),
                             ("risk", .string(r.operation.risk)), ("conditional", .bool(r.conditional)),
                             ("grantedBy", .array(r.grants.map(EvaluatorCommandSupport.grantJSON)))])
                })))
                return .object(fields)
            })),
        ])
    }

    /// `Owner (direct)`, `Owner (inherited from /providers/.../mg, via Ops)`, with `eligible` when so.
    static func grantedBy(_ g: GrantPath, here: Scope, evaluator e: Evaluator) -> String {
        var notes: [String] = []
        notes.append(Scope(g.scope) == here ? (g.via.isEmpty ? "direct" : "here") : "inherited from \(g.scope)")
        if !g.via.isEmpty { notes.append("via \(EvaluatorCommandSupport.viaLabel(g.via, in: e))") }
        if g.state == .eligible { notes.append("eligible") }
        return "\(EvaluatorCommandSupport.roleLabel(g)) (\(notes.joined(separator: ", ")))"
    }

    static func table(_ id: String, _ scopes: [Evaluator.BlastScope], evaluator e: Evaluator) -> String {
        var out = "principal: \(SafeText.terminal(EvaluatorCommandSupport.principalLabel(id, in: e)))\n"
        out += "\(scopes.count) scope(s) with access\n"
        for s in scopes {
            var level = s.scope.level.name
            if s.scope.level == .managementGroup || s.scope.level == .root {
                level += ", \(s.subscriptions.count) subscription\(s.subscriptions.count == 1 ? "" : "s") below"
            }
            out += "\n\(SafeText.terminal(s.scope.display)) (\(level))\n"
            for g in s.assignments {
                let via = g.via.isEmpty ? "direct" : "via \(EvaluatorCommandSupport.viaLabel(g.via, in: e))"
                let line = "  role: \(EvaluatorCommandSupport.roleLabel(g)) (\(via)\(g.conditional ? ", conditional" : "")\(g.state == .eligible ? ", eligible" : ""))"
                out += SafeText.terminal(line) + "\n"
            }
            if s.risky.isEmpty {
                out += "  no high-risk operation\n"
            } else {
                var t = Table(columns: ["RISKY OPERATION", "PLANE", "RISK", "CONDITIONAL", "GRANTED BY"])
                for r in s.risky {
                    let by = r.grants.map { grantedBy($0, here: s.scope, evaluator: e) }.joined(separator: "; ")
                    t.append([r.operation.name + (r.catalogued ? "" : " (uncatalogued)"), r.operation.plane.rawValue, r.operation.risk,
                              r.conditional ? "yes" : "no", by])
                }
                out += t.render().split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
            }
        }
        return out
    }
}
