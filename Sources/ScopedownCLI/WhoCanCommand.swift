import ArgumentParser
import ScopedownCore
import ScopedownRender

/// Principal types `who-can --type` selects.
enum PrincipalTypeFilter: String, ExpressibleByArgument, CaseIterable, Sendable {
    case user, group, servicePrincipal = "service-principal", managedIdentity = "managed-identity", unknown

    func matches(_ kind: PrincipalKind) -> Bool {
        switch self {
        case .user: return kind == .user
        case .group: return kind == .group
        case .servicePrincipal: return kind == .servicePrincipal
        case .managedIdentity: return kind == .managedIdentity
        case .unknown: return kind == .unknown || kind == .device || kind == .foreignGroup
        }
    }
}

/// `scopedown who-can`: every principal and group that effectively holds an operation at a scope.
struct WhoCanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who-can",
        abstract: "List who can perform an operation at a scope.",
        discussion: """
        Principals (users, service principals, managed identities, unknown ids) that hold the operation through their own assignments or their groups', and the groups that hold it themselves, less deny assignments. An operation outside the catalog is matched by name (control plane unless --data).

        Tables show names first (principal, role, shortened scope) and fit the terminal; --wide prints full ids and scopes. JSON and CSV always carry the full ids.

        Examples:
          scopedown who-can --db scopedown-demo.db \\
            --scope /subscriptions/510d70ff-a43d-4482-82ed-32a9192a58db \\
            --action Microsoft.Authorization/roleAssignments/write
          scopedown who-can --db scopedown-demo.db --scope / --type user --format csv \\
            --action Microsoft.KeyVault/vaults/secrets/getSecret/action --data
        """
    )

    @OptionGroup var db: DatabaseOptions

    @Option(help: ArgumentHelp("The operation, e.g. Microsoft.Compute/virtualMachines/write.", valueName: "operation"))
    var action: String

    @OptionGroup var scopeOptions: ScopeOptions

    @Flag(help: "Evaluate the operation as a data-plane operation (default: as the catalog says, else control plane).")
    var data = false

    @Option(help: ArgumentHelp("Only grants through assignments made at this ARM scope (starting with `/`) or below it.", valueName: "scope"))
    var under: Scope?

    @Option(help: ArgumentHelp("Only principals of this type.", valueName: "type"))
    var type: PrincipalTypeFilter?

    @OptionGroup var eligibility: EligibilityOptions

    @OptionGroup var output: ListOutputOptions

    func validate() throws {
        if action.trimmingSpaces().isEmpty { throw ValidationError("--action must name an operation") }
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        try EvaluatorCommandSupport.run(io: io) {
            let e = try EvaluatorCommandSupport.loadEvaluator(db: db.db, includeEligible: eligibility.includeEligible, evaluationOnly: true)
            if !scopeOptions.allowUnknownScope { try EvaluatorCommandSupport.checkKnownScope(scopeOptions.scope.display, db: db.db, evaluator: e) }
            EvaluatorCommandSupport.warnGuessedPlanes(db: db.db, io: io)
            EvaluatorCommandSupport.warnUncatalogued(action, data: data, evaluator: e, io: io)
            return try Self.render(evaluator: e, action: action, scope: scopeOptions.scope.display, data: data, format: output.format,
                                   width: output.tableWidth, under: under, type: type)
        }
    }

    static func render(evaluator e: Evaluator, action: String, scope: String, data: Bool, format: OutputFormat,
                       width: Int? = 120, under: Scope? = nil, type: PrincipalTypeFilter? = nil) throws -> String {
        let s = try EvaluatorCommandSupport.scope(scope)
        var r = e.whoCan(operation: action, scope: s, plane: data ? .data : nil)
        if let type {
            r.principals = r.principals.filter { type.matches($0.kind) }
            r.groups = type == .group ? r.groups : []
        }
        if let under {
            func keep(_ h: WhoCanResult.Holder) -> WhoCanResult.Holder? {
                var h = h
                h.decision.grants = h.decision.grants.filter { EvaluatorCommandSupport.isAtOrBelow(Scope($0.path.scope), under, in: e) }
                return h.decision.grants.isEmpty ? nil : h
            }
            r.principals = r.principals.compactMap(keep)
            r.groups = r.groups.compactMap(keep)
        }
        let view = WhoCanView(result: r, names: NameBook(snapshot: e.snapshot))
        switch format {
        case .json: return view.json().render() + "\n"
        case .csv: return view.csv()
        case .table: return view.table(width: width)
        }
    }
}
