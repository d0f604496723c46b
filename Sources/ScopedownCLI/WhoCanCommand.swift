import ArgumentParser
import ScopedownCore
import ScopedownRender

/// `scopedown who-can`: every principal and group that effectively holds an operation at a scope.
struct WhoCanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who-can",
        abstract: "List who can perform an operation at a scope.",
        discussion: """
        Principals (users, service principals, managed identities, unknown ids) that hold the operation \
        through their own assignments or their groups', and the groups that hold it themselves, less \
        deny assignments. An operation outside the catalog is matched by name (control plane unless \
        --data).

        Example:
          scopedown who-can --db tenant.db \\
            --action Microsoft.Authorization/roleAssignments/write \\
            --scope /subscriptions/<id> --format json
        """
    )

    @OptionGroup var db: DatabaseOptions

    @Option(help: ArgumentHelp("The operation, e.g. Microsoft.Compute/virtualMachines/write.", valueName: "operation"))
    var action: String

    @Option(help: ArgumentHelp("The ARM scope to evaluate at.", valueName: "scope"))
    var scope: String

    @Flag(help: "Evaluate the operation as a data-plane operation (default: as the catalog says, else control plane).")
    var data = false

    @Flag(help: "Count PIM-eligible assignments as granting.")
    var includeEligible = false

    @Flag(help: "Evaluate a scope whose management group, subscription or resource group is not in the imported inventory.")
    var allowUnknownScope = false

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        try EvaluatorCommandSupport.checkFormat(format)
        _ = try EvaluatorCommandSupport.scope(scope)
        if action.trimmingSpaces().isEmpty { throw ValidationError("--action must name an operation") }
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        try EvaluatorCommandSupport.run(io: io) {
            let e = try EvaluatorCommandSupport.loadEvaluator(db: db.db, includeEligible: includeEligible, evaluationOnly: true)
            if !allowUnknownScope { try EvaluatorCommandSupport.checkKnownScope(scope, db: db.db, evaluator: e) }
            EvaluatorCommandSupport.warnGuessedPlanes(db: db.db, io: io)
            EvaluatorCommandSupport.warnUncatalogued(action, data: data, evaluator: e, io: io)
            return try Self.render(evaluator: e, action: action, scope: scope, data: data, format: format)
        }
    }

    static func render(evaluator e: Evaluator, action: String, scope: String, data: Bool, format: OutputFormat) throws -> String {
        let s = try EvaluatorCommandSupport.scope(scope)
        let r = e.whoCan(operation: action, scope: s, plane: data ? .data : nil)
        if format == .json { return json(r).render() + "\n" }
        return table(r, evaluator: e)
    }

    static func json(_ r: WhoCanResult) -> JSON {
        func grants(_ h: WhoCanResult.Holder) -> JSON {
            .array(EvaluatorCommandSupport.grantPaths(h.decision).map(EvaluatorCommandSupport.grantJSON))
        }
        return .object([
            ("action", .string(r.operation)),
            ("catalogued", .bool(r.catalogued)),
            ("scope", .string(r.scope.display)),
            ("principals", .array(r.principals.map {
                .object([("id", .string($0.id)), ("type", .string($0.kind.rawValue)),
                         ("displayName", .optional($0.displayName)), ("grants", grants($0))])
            })),
            ("groups", .array(r.groups.map {
                .object([("id", .string($0.id)), ("displayName", .optional($0.displayName)), ("grants", grants($0))])
            })),
        ])
    }

    static func table(_ r: WhoCanResult, evaluator e: Evaluator) -> String {
        var out = "action: \(SafeText.terminal(r.operation)) (\(r.plane.rawValue) plane\(r.catalogued ? "" : ", not in the catalog"))\n"
        out += "scope: \(SafeText.terminal(r.scope.display))\n\n"
        var t = Table(columns: ["TYPE", "PRINCIPAL", "NAME", "ROLE", "ASSIGNED AT", "VIA", "CONDITIONAL"])
        for h in r.principals + r.groups {
            for g in EvaluatorCommandSupport.grantPaths(h.decision) {
                let role = EvaluatorCommandSupport.roleLabel(g) + (g.state == .eligible ? " (eligible)" : "")
                t.append([h.kind.rawValue, h.id, h.displayName ?? "", role, g.scope,
                          g.via.isEmpty ? "direct" : EvaluatorCommandSupport.viaLabel(g.via, in: e),
                          g.conditional ? "yes" : "no"])
            }
        }
        out += "\(r.principals.count) principal(s) and \(r.groups.count) group(s) can perform it\n"
        if !t.rows.isEmpty { out += "\n" + t.render() }
        return out
    }
}
