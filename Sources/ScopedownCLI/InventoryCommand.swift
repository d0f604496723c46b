import ArgumentParser
import ScopedownCore
import ScopedownRender
import ScopedownStore

/// `scopedown inventory --db DB [--format table|json]`: the management-group → subscription →
/// resource-group tree with role-assignment counts per node.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Show the management group → subscription → resource group tree with assignment counts.",
        discussion: """
        Every node shows its role assignments (active and PIM-eligible): `direct` at exactly that
        scope, `total` at that scope or anywhere below it (resource-level assignments count towards
        their resource group). Subscriptions whose management group is not imported are listed under
        `/`. Children are sorted by kind, then name.

        Examples:
          scopedown inventory --db scopedown-demo.db
          scopedown inventory --db tenant.db --format json
        """
    )

    @OptionGroup var db: DatabaseOptions

    @Option(name: .long, help: "Output format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if format == .csv { throw ValidationError("`inventory` supports --format table or json (a tree has no CSV form)") }
    }

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        let tree: InventoryNode
        do {
            let store = try Store(path: db.db, create: false)
            try store.requireImports()
            tree = try store.inventoryTree()
        } catch {
            io.errLine(CLIErrors.describe(error, file: db.db))
            throw ExitCode(1)
        }
        switch format {
        case .json: io.outLine(Self.json(tree).render(pretty: true))
        default: io.out(Self.table(tree))
        }
    }

    /// The indented tree (labels sanitized for the terminal by `TreeNode`).
    static func table(_ tree: InventoryNode) -> String {
        "role assignments per node: direct (at the scope) / total (at or below)\n" + treeNode(tree).render()
    }

    static func treeNode(_ n: InventoryNode) -> TreeNode {
        TreeNode(label(n), children: n.children.map(treeNode))
    }

    static func label(_ n: InventoryNode) -> String {
        let counts = "\(n.directAssignments) / \(n.totalAssignments)"
        switch n.kind {
        case .root: return "/  \(counts)"
        case .managementGroup:
            return n.name == n.id ? "\(n.name) (management group)  \(counts)" : "\(n.name) (management group \(n.id))  \(counts)"
        case .subscription:
            return n.name == n.id ? "\(n.id) (subscription)  \(counts)" : "\(n.name) (subscription \(n.id))  \(counts)"
        case .resourceGroup: return "\(n.name) (resource group)  \(counts)"
        }
    }

    /// `{"kind", "id", "name", "scope", "direct", "total", "children": [...]}`, nested.
    static func json(_ n: InventoryNode) -> JSON {
        .object([
            ("kind", .string(n.kind.rawValue)),
            ("id", .string(n.id)),
            ("name", .string(n.name)),
            ("scope", .string(n.scope)),
            ("direct", .int(n.directAssignments)),
            ("total", .int(n.totalAssignments)),
            ("children", .array(n.children.map(json))),
        ])
    }
}
