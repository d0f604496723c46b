import ArgumentParser
import ScopedownCore
import ScopedownRender

/// `scopedown explain`: why a principal may (or may not) perform an operation at a scope.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain whether a principal can perform an operation at a scope, and why.",
        discussion: """
        Prints the decision (allowed, denied or not granted) with every grant path (assignment, role, \
        matching pattern, the scope it is inherited from, the groups it comes through), every NotActions \
        that removed the operation from a role, and every deny assignment that applies.

        Example:
          scopedown explain --db scopedown-demo.db \\
            --principal alice.moreau@contosorobotics.example \\
            --action Microsoft.Authorization/roleAssignments/write \\
            --scope /subscriptions/510d70ff-a43d-4482-82ed-32a9192a58db
        """
    )

    @OptionGroup var db: DatabaseOptions
    @OptionGroup var principalOptions: PrincipalOptions

    @Option(help: ArgumentHelp("The operation, e.g. Microsoft.Compute/virtualMachines/write.", valueName: "operation"))
    var action: String

    @OptionGroup var scopeOptions: ScopeOptions

    @Flag(help: "Evaluate the operation as a data-plane operation (default: as the catalog says, else control plane).")
    var data = false

    @OptionGroup var eligibility: EligibilityOptions

    @OptionGroup var output: DocumentOutputOptions

    func validate() throws {
        if action.trimmingSpaces().isEmpty { throw ValidationError("--action must name an operation") }
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        let scope = scopeOptions.scope.display
        try EvaluatorCommandSupport.run(io: io) {
            let e = try EvaluatorCommandSupport.loadEvaluator(db: db.db, includeEligible: eligibility.includeEligible)
            if !scopeOptions.allowUnknownScope { try EvaluatorCommandSupport.checkKnownScope(scope, db: db.db, evaluator: e) }
            EvaluatorCommandSupport.warnGuessedPlanes(db: db.db, io: io)
            EvaluatorCommandSupport.warnUncatalogued(action, data: data, evaluator: e, io: io)
            return try Self.render(evaluator: e, principal: principalOptions.principal, action: action, scope: scope, data: data,
                                   format: output.listFormat, width: output.tableWidth)
        }
    }

    static func render(evaluator e: Evaluator, principal: String, action: String, scope: String, data: Bool,
                       format: OutputFormat, width: Int? = nil) throws -> String {
        let id = try EvaluatorCommandSupport.resolvePrincipal(principal, in: e)
        let s = try EvaluatorCommandSupport.scope(scope)
        let d = e.decide(principal: id, operation: action, scope: s, plane: data ? .data : nil)
        if format == .json { return json(d).render() + "\n" }
        return text(d, evaluator: e, width: width)
    }

    static func statusText(_ s: DenyStatus) -> (String, String) {
        switch s {
        case .blocks: return ("blocks", "it applies and blocks the operation")
        case .audit: return ("audit", "audit effect: logged, not blocked")
        case .conditional: return ("conditional", "it has a condition scopedown cannot resolve: it may block")
        case .excluded(let by): return ("excluded", "`\(by)` is in its excludePrincipals")
        case .notInherited: return ("notInherited", "it is at an ancestor with doNotApplyToChildScopes")
        case .carvedOut(let p): return ("carvedOut", "its NotActions `\(p)` exclude the operation from the deny")
        }
    }

    static func json(_ d: AccessDecision) -> JSON {
        .object([
            ("principal", .string(d.principal)),
            ("action", .string(d.operation)),
            ("plane", .string(d.plane.rawValue)),
            ("catalogued", .bool(d.catalogued)),
            ("scope", .string(d.scope.display)),
            ("outcome", .string(d.outcome.rawValue)),
            ("conditional", .bool(d.conditional)),
            ("grants", .array(d.grants.map { g in
                .object([
                    ("assignment", .string(g.path.assignmentID)), ("role", .string(g.path.roleName)),
                    ("roleId", .string(g.path.roleID)), ("scope", .string(g.path.scope)), ("via", .strings(g.path.via)),
                    ("conditional", .bool(g.path.conditional)), ("state", .string(g.path.state.rawValue)),
                    ("blockIndex", .int(g.blockIndex)), ("pattern", .string(g.pattern)), ("inherited", .bool(g.inherited)),
                    ("conditions", .strings(g.conditionSources)),
                ])
            })),
            ("notActions", .array(d.notActionRemovals.map { r in
                .object([
                    ("assignment", .string(r.path.assignmentID)), ("role", .string(r.path.roleName)),
                    ("roleId", .string(r.path.roleID)), ("scope", .string(r.path.scope)), ("via", .strings(r.path.via)),
                    ("blockIndex", .int(r.blockIndex)), ("pattern", .string(r.pattern)), ("notAction", .string(r.notPattern)),
                ])
            })),
            ("denies", .array(d.denies.map { m in
                let (status, why) = statusText(m.status)
                return .object([
                    ("id", .string(m.denyID)), ("name", .string(m.name)), ("scope", .string(m.scope)),
                    ("pattern", .string(m.pattern)), ("principal", .string(m.matchedPrincipal)),
                    ("inherited", .bool(m.inherited)), ("status", .string(status)), ("reason", .string(why)),
                ])
            })),
            ("unknownRoleAssignments", .strings(d.unknownRoleAssignments)),
            ("eligible", .array(d.eligibleGrants.map(GrantViews.json))),
        ])
    }

    /// The decision for a person. With a width: scopes shortened to names (`mg:Corp`,
    /// `sub:prod/rg:rg-app`) and long lines wrapped at spaces under their own indent; without one
    /// (`--wide`, and the golden files): everything in full, one line each.
    static func text(_ d: AccessDecision, evaluator e: Evaluator, width: Int? = nil) -> String {
        let names = NameBook(snapshot: e.snapshot)
        func sc(_ s: String) -> String { width == nil ? s : names.scope(s) }
        let who = EvaluatorCommandSupport.principalLabel(d.principal, in: e)
        var lines: [String] = []
        lines.append("principal: \(who)")
        lines.append("action:    \(d.operation) (\(d.plane.rawValue) plane\(d.catalogued ? "" : "; not in the imported catalog, matched by name"))")
        lines.append("scope:     \(sc(d.scope.display))")
        lines.append("")
        let blocking = d.denies.filter { $0.status.isBlocking }
        switch d.outcome {
        case .allowed:
            lines.append("ALLOWED" + (d.conditional ? " (conditionally: every grant path carries a condition, or a conditional deny may block)" : ""))
        case .denied:
            let names = blocking.map { "`\($0.name)`" }.joined(separator: ", ")
            lines.append("DENIED by deny assignment \(names)" + (d.grants.isEmpty ? " (no role grants it either)" : " although roles grant it"))
        case .notGranted:
            lines.append("NOT GRANTED: no role assignment of the principal or its groups grants it here")
        }
        lines.append("")
        lines.append("grant paths (\(d.grants.count)):")
        for (i, g) in d.grants.enumerated() {
            lines.append("  \(i + 1). assignment \(g.path.assignmentID) -> role `\(g.path.roleName)` (\(g.path.roleID)) -> block \(g.blockIndex + 1), pattern `\(g.pattern)`")
            lines.append("     " + (g.inherited ? "inherited from \(sc(g.path.scope))" : "assigned at this scope"))
            lines.append("     " + (g.path.via.isEmpty ? "assigned to the principal directly"
                                    : "through groups: \(EvaluatorCommandSupport.viaLabel(g.path.via, in: e))"))
            if g.path.state == .eligible { lines.append("     PIM eligible: grants only once activated") }
            if !g.conditionSources.isEmpty { lines.append("     conditional: \(g.conditionSources.joined(separator: ", "))") }
        }
        if !d.notActionRemovals.isEmpty {
            lines.append("")
            lines.append("removed by NotActions (\(d.notActionRemovals.count); NotActions is not a deny, other assignments may grant it):")
            for r in d.notActionRemovals {
                let via = r.path.via.isEmpty ? "" : " through \(EvaluatorCommandSupport.viaLabel(r.path.via, in: e))"
                lines.append("  - assignment \(r.path.assignmentID) at \(sc(r.path.scope))\(via): role `\(r.path.roleName)` block \(r.blockIndex + 1) matches `\(r.pattern)` but its NotActions `\(r.notPattern)` remove it")
            }
        }
        if !d.denies.isEmpty {
            lines.append("")
            lines.append("deny assignments covering it (\(d.denies.count)):")
            for m in d.denies {
                let (status, why) = statusText(m.status)
                let target = m.matchedPrincipal == AzureID.everyone ? "everyone" : EvaluatorCommandSupport.principalLabel(m.matchedPrincipal, in: e)
                lines.append("  - `\(m.name)` (\(m.denyID)) at \(sc(m.scope))\(m.inherited ? " (inherited)" : ""): pattern `\(m.pattern)`, names \(target)")
                lines.append("     \(status): \(why)")
            }
        }
        if !d.eligibleGrants.isEmpty {
            lines.append("")
            lines.append("PIM-eligible assignments that would grant it once activated (\(d.eligibleGrants.count); not counted without --include-eligible):")
            for g in d.eligibleGrants {
                let via = g.via.isEmpty ? "" : " through \(EvaluatorCommandSupport.viaLabel(g.via, in: e))"
                lines.append("  - assignment \(g.assignmentID) -> role `\(g.roleName)` at \(sc(g.scope))\(via)\(g.conditional ? " (conditional)" : "")")
            }
        }
        if !d.unknownRoleAssignments.isEmpty {
            lines.append("")
            lines.append("warning: assignments to roles that were not imported (they grant nothing): \(d.unknownRoleAssignments.joined(separator: ", "))")
        }
        let safe = lines.map(SafeText.terminal)
        guard let width else { return safe.joined(separator: "\n") + "\n" }
        return safe.flatMap { TextWrap.wrap($0, width: width) }.joined(separator: "\n") + "\n"
    }
}
