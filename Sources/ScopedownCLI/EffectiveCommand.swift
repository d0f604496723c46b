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
        catalog; names only roles mention are listed apart as uncatalogued (held or denied).

        Example:
          scopedown effective --db tenant.db --principal alice@contoso.com \\
            --scope /subscriptions/<id>/resourceGroups/rg1 --format json
        """
    )

    @OptionGroup var db: DatabaseOptions

    @Option(help: ArgumentHelp("Object id, user principal name or unambiguous display name.", valueName: "id"))
    var principal: String

    @Option(help: ArgumentHelp("The ARM scope to evaluate at (`/`, a management group, subscription, resource group or resource).", valueName: "scope"))
    var scope: String

    @Flag(help: "Count PIM-eligible assignments as granting.")
    var includeEligible = false

    @Flag(help: "Evaluate a scope whose management group, subscription or resource group is not in the imported inventory.")
    var allowUnknownScope = false

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        try EvaluatorCommandSupport.checkFormat(format)
        _ = try EvaluatorCommandSupport.scope(scope)
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        try EvaluatorCommandSupport.run(io: io) {
            let e = try EvaluatorCommandSupport.loadEvaluator(db: db.db, includeEligible: includeEligible, evaluationOnly: true)
            if !allowUnknownScope { try EvaluatorCommandSupport.checkKnownScope(scope, db: db.db, evaluator: e) }
            EvaluatorCommandSupport.warnGuessedPlanes(db: db.db, io: io)
            let out = try Self.render(evaluator: e, principal: principal, scope: scope, format: format)
            if format == .json, let id = try? EvaluatorCommandSupport.resolvePrincipal(principal, in: e),
               let s = try? EvaluatorCommandSupport.scope(scope) {
                EvaluatorCommandSupport.warnUnknownRoles(e.applicableAssignments(principal: id, scope: s), io: io)
            }
            return out
        }
    }

    static func render(evaluator e: Evaluator, principal: String, scope: String, format: OutputFormat) throws -> String {
        let id = try EvaluatorCommandSupport.resolvePrincipal(principal, in: e)
        let s = try EvaluatorCommandSupport.scope(scope)
        let access = e.effective(principal: id, scope: s)
        if format == .json { return json(access).render() + "\n" }
        return table(access, evaluator: e)
    }

    static func json(_ a: EffectiveAccess) -> JSON {
        .object([
            ("principal", .string(a.principal)),
            ("scope", .string(a.scope.display)),
            ("actions", .strings(a.actions)),
            ("dataActions", .strings(a.dataActions)),
            ("grants", .array(a.grants.map(EvaluatorCommandSupport.grantJSON))),
            ("denied", .strings(a.denied)),
            ("uncatalogued", .array(a.uncatalogued.map {
                .object([("name", .string($0.name)), ("plane", .string($0.plane.rawValue)), ("status", .string($0.denied ? "denied" : "held"))])
            })),
            ("unmatchedPatterns", .strings(a.unmatchedPatterns)),
        ])
    }

    static func table(_ a: EffectiveAccess, evaluator e: Evaluator) -> String {
        var out = "principal: \(SafeText.terminal(EvaluatorCommandSupport.principalLabel(a.principal, in: e)))\n"
        out += "scope: \(SafeText.terminal(a.scope.display))\n\n"
        var grants = Table(columns: ["ASSIGNMENT", "ROLE", "SCOPE", "VIA", "CONDITIONAL"])
        for g in a.grants {
            grants.append([EvaluatorCommandSupport.assignmentLabel(g), EvaluatorCommandSupport.roleLabel(g), g.scope,
                           g.via.isEmpty ? "direct" : EvaluatorCommandSupport.viaLabel(g.via, in: e),
                           g.conditional ? "yes" : "no"])
        }
        out += "grants (\(a.grants.count)):\n" + (a.grants.isEmpty ? "  none\n" : grants.render())
        func list(_ title: String, _ items: [String]) {
            out += "\n\(title) (\(items.count)):\n"
            for i in items { out += "  \(SafeText.terminal(i))\n" }
        }
        list("actions", a.actions)
        list("dataActions", a.dataActions)
        list("denied by deny assignments", a.denied)
        list("uncatalogued (named by roles, not in the imported catalog)",
             a.uncatalogued.map { "\($0.name) (\($0.plane.rawValue), \($0.denied ? "denied" : "held"))" })
        list("patterns matching nothing in the catalog", a.unmatchedPatterns)
        if !a.unknownRoleAssignments.isEmpty {
            out += "\nwarning: \(a.unknownRoleAssignments.count) assignment(s) name a role that was not imported and grant nothing: "
            out += a.unknownRoleAssignments.joined(separator: ", ") + "\n"
        }
        return out
    }
}
