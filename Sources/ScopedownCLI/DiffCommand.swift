import ArgumentParser
import ScopedownCore
import ScopedownRender
import ScopedownReview

/// `scopedown diff OLD.db NEW.db`: what changed between two snapshots of a tenant.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two snapshots: assignments added and removed, roles changed, privilege growth, findings new and resolved.",
        discussion: """
        OLD.db and NEW.db are two imports of the same tenant (e.g. last quarter's and today's). Lists
        role assignments added and removed (active and PIM-eligible), role definitions whose permissions
        changed (as operations of the catalog, and as patterns), and principals whose effective privilege
        grew, most severe first: new owners, new role-assignment write, new secret access, new escalation
        paths (the operations `blast-radius` checks), then other new assignments; and the findings
        (`scopedown findings`) new and resolved. Databases made by different schema versions are
        refused.

        Example (the demo tenant and the same tenant a quarter later):
          scopedown demo --db scopedown-demo.db
          scopedown demo --fixtures fixtures/demo-next --db scopedown-demo-next.db
          scopedown diff scopedown-demo.db scopedown-demo-next.db

        Exit codes: 0 success, 1 error, 64 usage error.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, markdown }

    @Argument(help: ArgumentHelp("The earlier snapshot (a scopedown database).", valueName: "OLD.db"))
    var old: String

    @Argument(help: ArgumentHelp("The later snapshot.", valueName: "NEW.db"))
    var new: String

    @Option(name: .long, help: "Output format: table, json or markdown.")
    var format: Format = .table

    @Flag(name: .long, help: "Table: print full ids, names and scopes, however wide the lines get.")
    var wide = false

    @Option(help: ArgumentHelp("Rule settings for the findings of both snapshots (as `scopedown findings --config`).", valueName: "file"))
    var config: String?

    func run() throws { try runChecked(io: .standard()) }

    func run(io: CommandIO) throws {
        let diff: SnapshotDiff
        do {
            try ReviewSnapshot.requireSameSchema(old, new)
            let cfg = try ReviewSources.config(config)
            let (a, b) = try ReviewSnapshot.loadPair(old, new, usage: false, findings: cfg)
            diff = SnapshotDiff.compute(old: a.evaluator, new: b.evaluator, oldFindings: a.findings, newFindings: b.findings)
        } catch let f as ReviewSnapshot.Failure {
            io.errLine(f.text)
            throw ExitCode(1)
        }
        switch format {
        case .json: io.out(DiffRendering.json(diff).render(pretty: true) + "\n")
        case .markdown: io.out(DiffRendering.markdown(diff, old: old, new: new))
        case .table: io.out(DiffRendering.table(diff, width: wide ? nil : TerminalWidth.current()))
        }
    }
}

enum DiffRendering {
    static func json(_ d: SnapshotDiff) -> JSON {
        .object([
            ("assignments", .object([("added", .array(d.addedAssignments.map(json))), ("removed", .array(d.removedAssignments.map(json)))])),
            ("roles", .object([
                ("changed", .array(d.changedRoles.map(json))),
                ("added", .array(d.addedRoles.map(json))),
                ("removed", .array(d.removedRoles.map(json))),
            ])),
            ("privilegeGrowth", .array(d.privilegeGrowth.map(json))),
            ("findings", .object([
                ("available", .bool(d.newFindings != nil)),
                ("new", .array((d.newFindings ?? []).map(json))),
                ("resolved", .array((d.resolvedFindings ?? []).map(json))),
            ])),
        ])
    }

    static func json(_ a: SnapshotDiff.AssignmentEntry) -> JSON {
        .object([
            ("id", .string(a.id)), ("principal", .string(a.principal)), ("principalName", .optional(a.principalName)),
            ("principalType", .string(a.principalType)), ("role", .string(a.role)), ("roleId", .string(a.roleID)),
            ("scope", .string(a.scope)), ("state", .string(a.state.rawValue)),
        ])
    }

    static func json(_ r: SnapshotDiff.AssignmentEntry.RoleRef) -> JSON {
        .object([("id", .string(r.id)), ("name", .string(r.name)), ("custom", .bool(r.custom))])
    }

    static func json(_ r: SnapshotDiff.RoleChange) -> JSON {
        .object([
            ("id", .string(r.id)), ("name", .string(r.name)), ("custom", .bool(r.custom)), ("activeAssignments", .int(r.assignments)),
            ("actions", .object([("added", .strings(r.addedActions)), ("removed", .strings(r.removedActions))])),
            ("dataActions", .object([("added", .strings(r.addedDataActions)), ("removed", .strings(r.removedDataActions))])),
            ("patterns", .object([("added", .strings(r.addedPatterns)), ("removed", .strings(r.removedPatterns))])),
        ])
    }

    static func json(_ g: SnapshotDiff.PrivilegeGrowth) -> JSON {
        .object([
            ("principal", .string(g.principal)), ("principalName", .optional(g.principalName)), ("principalKind", .string(g.kind.rawValue)),
            ("worst", .string(g.worst.key)),
            ("items", .array(g.items.map { it in
                .object([("kind", .string(it.kind.key)), ("what", .strings(it.what)), ("scope", .string(it.scope)),
                         ("assignments", .strings(it.assignments)), ("conditional", .bool(it.conditional))])
            })),
        ])
    }

    static func json(_ f: ReviewFinding) -> JSON {
        .object([
            ("rule", .string(f.ruleID)), ("severity", .string(f.severity)), ("assignment", .optional(f.assignmentID)),
            ("principal", .optional(f.principal)), ("scope", .optional(f.scope)), ("message", .string(f.message)),
        ])
    }

    static func who(_ name: String?, _ id: String) -> String { name.map { "\($0) (\(id))" } ?? id }

    /// `width`: assignment tables fitted to it (ids cut in the middle, names at the end); nil: in full.
    static func table(_ d: SnapshotDiff, width: Int? = nil) -> String {
        var out = ""
        for (title, list) in [("Assignments added", d.addedAssignments), ("Assignments removed", d.removedAssignments)] {
            out += "\(title): \(list.count)\n"
            if list.isEmpty { out += "\n"; continue }
            var t = Table(columns: ["PRINCIPAL", "TYPE", "ROLE", "SCOPE", "STATE", "ASSIGNMENT"],
                          fits: [.end, .keep, .end, .middle, .keep, .middle])
            for a in list { t.append([who(a.principalName, a.principal), a.principalType, a.role, a.scope, a.state.rawValue, a.id]) }
            out += t.render(width: width) + "\n"
        }
        out += "Roles changed: \(d.changedRoles.count)\n"
        for r in d.changedRoles {
            out += SafeText.terminal("  \(r.name) (\(r.custom ? "custom" : "built-in"), \(r.assignments) active assignment\(r.assignments == 1 ? "" : "s"))") + "\n"
            for x in r.addedActions { out += "    + " + SafeText.terminal(x) + "\n" }
            for x in r.removedActions { out += "    - " + SafeText.terminal(x) + "\n" }
            for x in r.addedDataActions { out += "    + " + SafeText.terminal(x) + " (data)\n" }
            for x in r.removedDataActions { out += "    - " + SafeText.terminal(x) + " (data)\n" }
            for x in r.addedPatterns { out += "    pattern added   " + SafeText.terminal(x) + "\n" }
            for x in r.removedPatterns { out += "    pattern removed " + SafeText.terminal(x) + "\n" }
        }
        if !d.addedRoles.isEmpty { out += "Roles added: " + SafeText.terminal(d.addedRoles.map(\.name).joined(separator: ", ")) + "\n" }
        if !d.removedRoles.isEmpty { out += "Roles removed: " + SafeText.terminal(d.removedRoles.map(\.name).joined(separator: ", ")) + "\n" }
        out += "\nPrivilege growth: \(d.privilegeGrowth.count) principal\(d.privilegeGrowth.count == 1 ? "" : "s"), most severe first\n"
        for (i, g) in d.privilegeGrowth.enumerated() {
            out += SafeText.terminal("  \(i + 1). \(who(g.principalName, g.principal)) [\(g.kind.rawValue)]: \(g.worst.label)") + "\n"
            for it in g.items {
                out += SafeText.terminal("       \(it.kind.label) at \(it.scope)\(it.conditional ? " (conditional)" : ""): \(it.what.joined(separator: ", "))") + "\n"
            }
        }
        out += "\n" + findingsText(d)
        return out
    }

    static func findingsText(_ d: SnapshotDiff) -> String {
        guard let n = d.newFindings, let r = d.resolvedFindings else {
            return "Findings: not compared (this build computes no findings).\n"
        }
        var out = "Findings: \(n.count) new, \(r.count) resolved\n"
        for f in n { out += SafeText.terminal("  new      [\(f.severity)] \(f.ruleID): \(f.message)") + "\n" }
        for f in r { out += SafeText.terminal("  resolved [\(f.severity)] \(f.ruleID): \(f.message)") + "\n" }
        return out
    }

    /// Markdown: table cells escaped (`|`, backticks, markup) and terminal-safe.
    static func md(_ s: String) -> String {
        var out = ""
        for c in SafeText.terminal(s).unicodeScalars {
            switch c {
            case "|", "`", "*", "_", "[", "]", "<", ">", "\\", "#": out.append("\\"); out.unicodeScalars.append(c)
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func markdown(_ d: SnapshotDiff, old: String, new: String) -> String {
        var out = "# Changes from \(md(old)) to \(md(new))\n\n"
        for (title, list) in [("Assignments added", d.addedAssignments), ("Assignments removed", d.removedAssignments)] {
            out += "## \(title) (\(list.count))\n\n"
            if list.isEmpty { out += "None.\n\n"; continue }
            out += "| principal | type | role | scope | state | assignment |\n|---|---|---|---|---|---|\n"
            for a in list {
                out += "| \(md(who(a.principalName, a.principal))) | \(md(a.principalType)) | \(md(a.role)) | \(md(a.scope)) | \(a.state.rawValue) | \(md(a.id)) |\n"
            }
            out += "\n"
        }
        out += "## Roles changed (\(d.changedRoles.count))\n\n"
        if d.changedRoles.isEmpty { out += "None.\n\n" }
        for r in d.changedRoles {
            out += "- **\(md(r.name))** (\(r.custom ? "custom" : "built-in"), \(r.assignments) active assignments)\n"
            for x in r.addedActions { out += "  - added: \(md(x))\n" }
            for x in r.removedActions { out += "  - removed: \(md(x))\n" }
            for x in r.addedDataActions { out += "  - added (data): \(md(x))\n" }
            for x in r.removedDataActions { out += "  - removed (data): \(md(x))\n" }
        }
        if !d.changedRoles.isEmpty { out += "\n" }
        out += "## Privilege growth (\(d.privilegeGrowth.count))\n\n"
        if d.privilegeGrowth.isEmpty { out += "None.\n\n" } else {
            out += "| rank | principal | type | growth | role or operation | scope |\n|---|---|---|---|---|---|\n"
            for (i, g) in d.privilegeGrowth.enumerated() {
                for it in g.items {
                    out += "| \(i + 1) | \(md(who(g.principalName, g.principal))) | \(g.kind.rawValue) | \(it.kind.label) | \(md(it.what.joined(separator: ", "))) | \(md(it.scope)) |\n"
                }
            }
            out += "\n"
        }
        out += "## Findings\n\n"
        if let n = d.newFindings, let r = d.resolvedFindings {
            out += "\(n.count) new, \(r.count) resolved.\n\n"
            for f in n { out += "- new: [\(f.severity)] \(md(f.ruleID)): \(md(f.message))\n" }
            for f in r { out += "- resolved: [\(f.severity)] \(md(f.ruleID)): \(md(f.message))\n" }
        } else {
            out += "Not compared (this build computes no findings).\n"
        }
        return out
    }
}
