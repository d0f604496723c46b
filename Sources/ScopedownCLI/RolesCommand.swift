import ArgumentParser
import ScopedownCore
import ScopedownRender
import ScopedownStore

/// `scopedown roles [ROLE]`: the imported role definitions with their assignment counts, or one
/// role's permissions, assignable scopes and assignments.
struct RolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "List role definitions with their assignment counts, or show one role.",
        discussion: """
        Without a role: every imported role definition (built-in and custom), how many active and PIM-eligible assignments use it, and whether it is privileged (its permissions grant `*`, role assignment or role definition writes, or reading Key Vault secrets). With a role name or id: its permissions, assignable scopes and every assignment of it, with the principal's type and facts.

        Examples:
          scopedown roles --db scopedown-demo.db
          scopedown roles --db scopedown-demo.db "Key Vault Administrator" --format csv
        """
    )

    @OptionGroup var db: DatabaseOptions

    @Argument(help: ArgumentHelp("A role name (case-insensitive) or definition id to show.", valueName: "role"))
    var role: String?

    @Flag(name: .long, help: "List only privileged roles.")
    var privileged = false

    @OptionGroup var output: ListOutputOptions

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        try EvaluatorCommandSupport.run(io: io) {
            let snapshot: AuthorizationSnapshot
            do {
                let store = try Store(path: db.db, create: false)
                try store.requireImports()
                snapshot = try store.loadSnapshot()
            } catch {
                throw EvaluatorCommandSupport.StoreFailure(text: CLIErrors.describe(error, file: db.db))
            }
            return try Self.render(snapshot: snapshot, role: role, privilegedOnly: privileged, format: output.format, width: output.tableWidth)
        }
    }

    static func render(snapshot: AuthorizationSnapshot, role: String?, privilegedOnly: Bool = false, format: OutputFormat, width: Int? = 120) throws -> String {
        guard let role else {
            var view = RoleListView(snapshot: snapshot, privileged: PrivilegedRoles.isPrivileged)
            if privilegedOnly { view.rows = view.rows.filter(\.privileged) }
            switch format {
            case .json: return view.json().render() + "\n"
            case .csv: return view.csv()
            case .table: return view.table(width: width)
            }
        }
        let r = try resolve(role, in: snapshot)
        let view = RoleDetailView(role: r, snapshot: snapshot, privileged: PrivilegedRoles.isPrivileged(r), names: NameBook(snapshot: snapshot))
        switch format {
        case .json: return view.json().render() + "\n"
        case .csv: return view.csv()
        case .table: return view.table(width: width)
        }
    }

    /// A role by definition id or by name (case-insensitive); a name several roles share is an error
    /// listing their ids.
    static func resolve(_ text: String, in snapshot: AuthorizationSnapshot) throws -> RoleDefinition {
        let t = text.trimmingSpaces()
        let key = RoleListView.key(t)
        if let byID = snapshot.roleDefinitions.first(where: { RoleListView.key($0.id) == key }) { return byID }
        let byName = snapshot.roleDefinitions.filter { $0.roleName.lowercased() == t.lowercased() }.sorted { $0.id < $1.id }
        if byName.count == 1 { return byName[0] }
        if byName.isEmpty {
            throw EvaluatorCommandSupport.Failure(message: "no role definition is named `\(text)`",
                                                  help: "`scopedown roles --db <db>` lists the imported roles")
        }
        throw EvaluatorCommandSupport.Failure(message: "`\(text)` names \(byName.count) roles: " + byName.map { "`\($0.id)`" }.joined(separator: ", "),
                                              help: "give the definition id of the one you mean")
    }
}

extension RolesCommand: IOCommand {}
