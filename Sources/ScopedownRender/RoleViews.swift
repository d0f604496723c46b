import ScopedownCore

/// `roles`: the role definitions with their assignment counts, and one role in detail.
public struct RoleListView {
    public struct Row: Sendable {
        public var role: RoleDefinition
        public var active: Int
        public var eligible: Int
        public var privileged: Bool
    }
    public var rows: [Row]

    /// Rows sorted by name, then id; counts from the snapshot's assignments.
    public init(snapshot: AuthorizationSnapshot, privileged: (RoleDefinition) -> Bool) {
        var active: [String: Int] = [:], eligible: [String: Int] = [:]
        for a in snapshot.roleAssignments {
            let key = RoleListView.key(a.roleDefinitionID)
            if a.state == .eligible { eligible[key, default: 0] += 1 } else { active[key, default: 0] += 1 }
        }
        rows = snapshot.roleDefinitions.map { r in
            let k = RoleListView.key(r.id)
            return Row(role: r, active: active[k] ?? 0, eligible: eligible[k] ?? 0, privileged: privileged(r))
        }.sorted { ($0.role.roleName.lowercased(), $0.role.id) < ($1.role.roleName.lowercased(), $1.role.id) }
    }

    /// A role definition id (GUID or full resource id) as a lookup key.
    public static func key(_ id: String) -> String {
        AzureID.guidKey(id.split(separator: "/").last.map(String.init) ?? id)
    }

    public func json() -> JSON {
        .object([("roles", .array(rows.map { r in
            .object([("id", .string(r.role.id)), ("name", .string(r.role.roleName)),
                     ("type", .string(r.role.isCustom ? "custom" : "builtIn")),
                     ("activeAssignments", .int(r.active)), ("eligibleAssignments", .int(r.eligible)),
                     ("privileged", .bool(r.privileged))])
        }))])
    }

    public func csv() -> String {
        var c = CSV(header: ["id", "name", "type", "activeAssignments", "eligibleAssignments", "privileged"])
        for r in rows {
            c.append([r.role.id, r.role.roleName, r.role.isCustom ? "custom" : "builtIn", String(r.active), String(r.eligible), String(r.privileged)])
        }
        return c.render()
    }

    public func table(width: Int?) -> String {
        var columns = ["ROLE", "TYPE", "ACTIVE", "ELIGIBLE", "PRIVILEGED"]
        var fits: [Table.Fit] = [.end, .keep, .keep, .keep, .keep]
        var alignments: [Table.Alignment] = [.left, .left, .right, .right, .left]
        if width == nil {
            columns.append("ID")
            fits.append(.middle)
            alignments.append(.left)
        }
        var t = Table(columns: columns, alignments: alignments, fits: fits)
        for r in rows {
            var row = [r.role.roleName, r.role.isCustom ? "custom" : "built-in", String(r.active), String(r.eligible), r.privileged ? "yes" : "no"]
            if width == nil { row.append(r.role.id) }
            t.append(row)
        }
        let custom = rows.filter(\.role.isCustom).count
        return t.render(width: width) + "\n\(rows.count) role definition(s) (\(custom) custom), \(rows.filter { $0.active + $0.eligible > 0 }.count) assigned\n"
    }
}

/// One role: its permissions, assignable scopes and the assignments that use it.
public struct RoleDetailView {
    public var role: RoleDefinition
    public var assignments: [RoleAssignment]
    public var privileged: Bool
    public var names: NameBook

    public init(role: RoleDefinition, snapshot: AuthorizationSnapshot, privileged: Bool, names: NameBook) {
        self.role = role
        let key = RoleListView.key(role.id)
        assignments = snapshot.roleAssignments.filter { RoleListView.key($0.roleDefinitionID) == key }
            .sorted { ($0.scope.key, $0.principalID, $0.id) < ($1.scope.key, $1.principalID, $1.id) }
        self.privileged = privileged
        self.names = names
    }

    public func json() -> JSON {
        .object([
            ("id", .string(role.id)),
            ("name", .string(role.roleName)),
            ("type", .string(role.isCustom ? "custom" : "builtIn")),
            ("description", .string(role.description)),
            ("privileged", .bool(privileged)),
            ("permissions", .array(role.permissions.map { b in
                .object([("actions", .strings(b.actions)), ("notActions", .strings(b.notActions)),
                         ("dataActions", .strings(b.dataActions)), ("notDataActions", .strings(b.notDataActions)),
                         ("condition", .optional(b.condition))])
            })),
            ("assignableScopes", .strings(role.assignableScopes.map(\.display))),
            ("assignments", .array(assignments.map { a in
                .object([("assignment", .string(a.id)), ("scope", .string(a.scope.display)), ("state", .string(a.state.rawValue)),
                         ("conditional", .bool(a.isConditional))] + names.principal(a.principalID, kind: PrincipalKind.from(a.principalType)).jsonFields)
            })),
        ])
    }

    /// Where the role is assigned, one row per assignment, with the principal's facts.
    public func csv() -> String {
        var c = CSV(header: ["assignment", "scope", "state", "conditional"] + PrincipalFacts.csvHeader)
        for a in assignments {
            let f = names.principal(a.principalID, kind: PrincipalKind.from(a.principalType))
            c.append([a.id, a.scope.display, a.state.rawValue, String(a.isConditional)] + f.csvCells)
        }
        return c.render()
    }

    public func table(width: Int?) -> String {
        let wide = width == nil
        func fit(_ line: String) -> String {
            let safe = SafeText.terminal(line)
            return width.map { Table.truncate(safe, to: $0, fit: .end) } ?? safe
        }
        var out = fit("role: \(role.roleName) (\(role.isCustom ? "custom" : "built-in")\(privileged ? ", privileged" : ""))") + "\n"
        out += fit("id: \(role.id)") + "\n"
        if !role.description.isEmpty { out += fit("description: \(role.description)") + "\n" }
        for (i, b) in role.permissions.enumerated() {
            out += "\npermissions" + (role.permissions.count > 1 ? " (block \(i + 1))" : "") + ":\n"
            for (title, list) in [("actions", b.actions), ("notActions", b.notActions), ("dataActions", b.dataActions), ("notDataActions", b.notDataActions)]
            where !list.isEmpty {
                out += "  \(title):\n"
                for p in list { out += fit("    " + p) + "\n" }
            }
            if let c = b.condition { out += fit("  condition: " + c) + "\n" }
        }
        out += "\nassignable scopes (\(role.assignableScopes.count)):\n"
        for s in role.assignableScopes { out += fit("  " + (wide ? s.display : names.scope(s.display))) + "\n" }
        out += "\nassigned (\(assignments.count)):\n"
        if assignments.isEmpty { return out + "  nowhere\n" }
        var columns = ["PRINCIPAL", "TYPE", "SCOPE", "PIM", "COND"]
        var fits: [Table.Fit] = [.end, .keep, .middle, .keep, .keep]
        if wide {
            columns.append("ASSIGNMENT")
            fits.append(.middle)
        }
        var t = Table(columns: columns, fits: fits)
        for a in assignments {
            let f = names.principal(a.principalID, kind: PrincipalKind.from(a.principalType))
            var row = [f.label, f.shortType, wide ? a.scope.display : names.scope(a.scope.display), a.state.rawValue, a.isConditional ? "yes" : "no"]
            if wide { row.append(a.id) }
            t.append(row)
        }
        return out + t.render(width: width)
    }
}
