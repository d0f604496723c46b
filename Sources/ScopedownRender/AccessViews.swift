import ScopedownCore

/// Pieces every access view shares: a grant as JSON and as table cells, names first.
public enum GrantViews {
    /// `{"assignment", "role", "roleId", "scope", "state", "via", "conditional"}`: `state` is `active`
    /// or `eligible` (PIM), so an eligible grant never reads as an active one.
    public static func json(_ g: GrantPath) -> JSON {
        .object([
            ("assignment", .string(g.assignmentID)),
            ("role", g.roleName.isEmpty ? .null : .string(g.roleName)),
            ("roleId", .string(g.roleID)),
            ("scope", .string(g.scope)),
            ("state", .string(g.state.rawValue)),
            ("via", .strings(g.via)),
            ("conditional", .bool(g.conditional)),
        ])
    }

    /// `Role Name` or `(unknown role <id>)`.
    public static func role(_ g: GrantPath) -> String {
        g.roleName.isEmpty ? "(unknown role \(g.roleID))" : g.roleName
    }

    /// `direct`, or the group chain by display name.
    public static func via(_ via: [String], names: NameBook) -> String {
        via.isEmpty ? "direct" : via.map { names.principal($0).displayName ?? $0 }.joined(separator: " > ")
    }

    /// The distinct assignments of a decision's grant paths: an assignment is conditional only when
    /// every block through which it grants is.
    public static func distinct(_ d: AccessDecision) -> [GrantPath] {
        var byID: [String: GrantPath] = [:]
        for g in d.grants {
            if var existing = byID[g.path.assignmentID] {
                existing.conditional = existing.conditional && g.path.conditional
                byID[g.path.assignmentID] = existing
            } else {
                byID[g.path.assignmentID] = g.path
            }
        }
        return byID.values.sorted { $0.assignmentID < $1.assignmentID }
    }

    /// A scope for a table: shortened, or in full with `--wide`.
    public static func scope(_ s: String, names: NameBook, wide: Bool) -> String {
        wide ? s : names.scope(s)
    }

    /// `principal: Alice Moreau <alice@…> (user, guest) 5474…` for a view's header.
    public static func principalLine(_ f: PrincipalFacts) -> String {
        var kinds = [f.typeLabel] + f.flags
        if f.orphaned { kinds = ["not in the directory"] }
        let first = SafeText.terminal("principal: \(f.displayName == nil ? f.id : f.label) (\(kinds.joined(separator: ", ")))")
        return first + (f.displayName == nil ? "" : "\nid: " + SafeText.terminal(f.id))
    }

    public static let csvGrantHeader = ["assignment", "role", "roleId", "scope", "state", "conditional", "via"]
    public static func csvGrantCells(_ g: GrantPath) -> [String] {
        [g.assignmentID, g.roleName, g.roleID, g.scope, g.state.rawValue, String(g.conditional), g.via.joined(separator: ";")]
    }
}

/// `who-can`: table, JSON and CSV of a `WhoCanResult`.
public struct WhoCanView {
    public var result: WhoCanResult
    public var names: NameBook

    public init(result: WhoCanResult, names: NameBook) {
        self.result = result
        self.names = names
    }

    public func json() -> JSON {
        func grants(_ h: WhoCanResult.Holder) -> JSON { .array(GrantViews.distinct(h.decision).map(GrantViews.json)) }
        func holder(_ h: WhoCanResult.Holder, group: Bool) -> JSON {
            let f = names.principal(h.id, kind: h.kind)
            var fields: [(String, JSON)] = [("id", .string(h.id))]
            if !group { fields.append(("type", .string(h.kind.rawValue))) }
            fields += [("displayName", .optional(h.displayName)), ("detail", .optional(f.detail)),
                       ("guest", .bool(f.guest)), ("disabled", .bool(f.disabled)), ("orphaned", .bool(f.orphaned)),
                       ("grants", grants(h))]
            return .object(fields)
        }
        return .object([
            ("action", .string(result.operation)),
            ("catalogued", .bool(result.catalogued)),
            ("scope", .string(result.scope.display)),
            ("principals", .array(result.principals.map { holder($0, group: false) })),
            ("groups", .array(result.groups.map { holder($0, group: true) })),
        ])
    }

    public func csv() -> String {
        var c = CSV(header: PrincipalFacts.csvHeader + GrantViews.csvGrantHeader)
        for h in result.principals + result.groups {
            let f = names.principal(h.id, kind: h.kind)
            for g in GrantViews.distinct(h.decision) { c.append(f.csvCells + GrantViews.csvGrantCells(g)) }
        }
        return c.render()
    }

    /// One row per principal and assignment, names first; `width` nil prints everything (`--wide`).
    public func table(width: Int?) -> String {
        let wide = width == nil
        var out = "action: \(SafeText.terminal(result.operation)) (\(result.plane.rawValue) plane\(result.catalogued ? "" : ", not in the catalog"))\n"
        out += "scope: \(SafeText.terminal(wide ? result.scope.display : names.scope(result.scope.display)))\n\n"
        var columns = ["PRINCIPAL", "TYPE", "FLAGS", "ROLE", "ASSIGNED AT", "VIA", "PIM", "COND"]
        var fits: [Table.Fit] = [.end, .keep, .keep, .end, .middle, .end, .keep, .keep]
        if wide {
            columns.insert("ID", at: 1)
            fits.insert(.middle, at: 1)
            columns.append("ASSIGNMENT")
            fits.append(.middle)
        }
        var t = Table(columns: columns, fits: fits)
        // Principals, then groups, each by name (JSON and CSV keep the id order).
        func byName(_ hs: [WhoCanResult.Holder]) -> [(PrincipalFacts, WhoCanResult.Holder)] {
            hs.map { (names.principal($0.id, kind: $0.kind), $0) }.sorted { ($0.0.label.lowercased(), $0.1.id) < ($1.0.label.lowercased(), $1.1.id) }
        }
        for (f, h) in byName(result.principals) + byName(result.groups) {
            for g in GrantViews.distinct(h.decision) {
                var row = [f.label, f.shortType, f.flags.joined(separator: ","), GrantViews.role(g),
                           GrantViews.scope(g.scope, names: names, wide: wide), GrantViews.via(g.via, names: names),
                           g.state.rawValue, g.conditional ? "yes" : "no"]
                if wide {
                    row.insert(h.id, at: 1)
                    row.append(g.assignmentID)
                }
                t.append(row)
            }
        }
        out += "\(result.principals.count) principal(s) and \(result.groups.count) group(s) can perform it\n"
        t.dropEmptyColumn("FLAGS")
        if !t.rows.isEmpty { out += "\n" + t.render(width: width) }
        return out
    }
}

/// `effective`: table, JSON and CSV of an `EffectiveAccess`.
public struct EffectiveView {
    public var access: EffectiveAccess
    public var names: NameBook

    public init(access: EffectiveAccess, names: NameBook) {
        self.access = access
        self.names = names
    }

    public func json() -> JSON {
        let f = names.principal(access.principal)
        return .object([
            ("principal", .string(access.principal)),
            ("principalFacts", .object(Array(f.jsonFields.dropFirst()))),
            ("scope", .string(access.scope.display)),
            ("actions", .strings(access.actions)),
            ("dataActions", .strings(access.dataActions)),
            ("grants", .array(access.grants.map(GrantViews.json))),
            ("denied", .strings(access.denied)),
            ("uncatalogued", .array(access.uncatalogued.map {
                .object([("name", .string($0.name)), ("plane", .string($0.plane.rawValue)), ("status", .string($0.denied ? "denied" : "held"))])
            })),
            ("unmatchedPatterns", .strings(access.unmatchedPatterns)),
        ])
    }

    /// One row per grant (the assignments a reviewer acts on), with the principal's facts.
    public func csv() -> String {
        let f = names.principal(access.principal)
        var c = CSV(header: PrincipalFacts.csvHeader + ["evaluatedScope"] + GrantViews.csvGrantHeader)
        for g in access.grants { c.append(f.csvCells + [access.scope.display] + GrantViews.csvGrantCells(g)) }
        return c.render()
    }

    public func table(width: Int?) -> String {
        let wide = width == nil
        let f = names.principal(access.principal)
        var out = GrantViews.principalLine(f) + "\n"
        out += "scope: \(SafeText.terminal(wide ? access.scope.display : names.scope(access.scope.display)))\n\n"
        var columns = ["ROLE", "SCOPE", "VIA", "PIM", "COND"]
        var fits: [Table.Fit] = [.end, .middle, .end, .keep, .keep]
        if wide {
            columns.append("ASSIGNMENT")
            fits.append(.middle)
        }
        var grants = Table(columns: columns, fits: fits)
        for g in access.grants {
            var row = [GrantViews.role(g), GrantViews.scope(g.scope, names: names, wide: wide), GrantViews.via(g.via, names: names),
                       g.state.rawValue, g.conditional ? "yes" : "no"]
            if wide { row.append(g.assignmentID) }
            grants.append(row)
        }
        out += "grants (\(access.grants.count)):\n" + (access.grants.isEmpty ? "  none\n" : grants.render(width: width))
        func list(_ title: String, _ items: [String]) {
            out += "\n\(title) (\(items.count)):\n"
            for i in items {
                let line = "  " + SafeText.terminal(i)
                out += (width.map { Table.truncate(line, to: $0, fit: .end) } ?? line) + "\n"
            }
        }
        list("actions", access.actions)
        list("dataActions", access.dataActions)
        list("denied by deny assignments", access.denied)
        list("uncatalogued (named by roles, not in the imported catalog)",
             access.uncatalogued.map { "\($0.name) (\($0.plane.rawValue), \($0.denied ? "denied" : "held"))" })
        list("patterns matching nothing in the catalog", access.unmatchedPatterns)
        if !access.unknownRoleAssignments.isEmpty {
            out += "\nwarning: \(access.unknownRoleAssignments.count) assignment(s) name a role that was not imported and grant nothing: "
            out += SafeText.terminal(access.unknownRoleAssignments.joined(separator: ", ")) + "\n"
        }
        return out
    }
}

/// `blast-radius`: table, JSON and CSV of the scopes where a principal holds access.
public struct BlastRadiusView {
    public var principal: String
    public var scopes: [Evaluator.BlastScope]
    public var names: NameBook

    public init(principal: String, scopes: [Evaluator.BlastScope], names: NameBook) {
        self.principal = principal
        self.scopes = scopes
        self.names = names
    }

    public func json() -> JSON {
        let f = names.principal(principal)
        return .object([
            ("principal", .string(principal)),
            ("principalFacts", .object(Array(f.jsonFields.dropFirst()))),
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
                fields.append(("assignments", .array(s.assignments.map(GrantViews.json))))
                fields.append(("riskyOperations", .array(s.risky.map { r in
                    .object([("operation", .string(r.operation.name)), ("plane", .string(r.operation.plane.rawValue)),
                             ("catalogued", .bool(r.catalogued)),
                             ("risk", .string(r.operation.risk)), ("conditional", .bool(r.conditional)),
                             ("grantedBy", .array(r.grants.map(GrantViews.json)))])
                })))
                return .object(fields)
            })),
        ])
    }

    /// One row per scope and risky operation, with the principal's facts.
    public func csv() -> String {
        let f = names.principal(principal)
        var c = CSV(header: PrincipalFacts.csvHeader + ["scope", "level", "operation", "plane", "risk", "catalogued", "conditional", "state", "grantedBy"])
        for s in scopes {
            for r in s.risky {
                let state = r.grants.contains { $0.state == .active } ? "active" : "eligible"
                c.append(f.csvCells + [s.scope.display, s.scope.level.name, r.operation.name, r.operation.plane.rawValue,
                                       r.operation.risk, String(r.catalogued), String(r.conditional), state,
                                       r.grants.map { "\(GrantViews.role($0))@\($0.scope)" }.joined(separator: ";")])
            }
        }
        return c.render()
    }

    /// `Owner (direct)`, `Owner (from mg:Contoso, via Ops)`, with `eligible` when so.
    func grantedBy(_ g: GrantPath, here: Scope, wide: Bool) -> String {
        var notes: [String] = []
        notes.append(Scope(g.scope) == here ? (g.via.isEmpty ? "direct" : "here") : "from \(GrantViews.scope(g.scope, names: names, wide: wide))")
        if !g.via.isEmpty { notes.append("via \(GrantViews.via(g.via, names: names))") }
        if g.state == .eligible { notes.append("eligible") }
        return "\(GrantViews.role(g)) (\(notes.joined(separator: ", ")))"
    }

    public func table(width: Int?) -> String {
        let wide = width == nil
        func fit(_ line: String) -> String { width.map { Table.truncate(line, to: $0, fit: .end) } ?? line }
        var out = GrantViews.principalLine(names.principal(principal)) + "\n"
        out += "\(scopes.count) scope(s) with access\n"
        for s in scopes {
            var level = s.scope.level.name
            if s.scope.level == .managementGroup || s.scope.level == .root {
                level += ", \(s.subscriptions.count) subscription\(s.subscriptions.count == 1 ? "" : "s") below"
            }
            out += "\n" + fit(SafeText.terminal("\(GrantViews.scope(s.scope.display, names: names, wide: wide)) (\(level))")) + "\n"
            for g in s.assignments {
                let via = g.via.isEmpty ? "direct" : "via \(GrantViews.via(g.via, names: names))"
                let line = "  role: \(GrantViews.role(g)) (\(via)\(g.conditional ? ", conditional" : "")\(g.state == .eligible ? ", eligible" : ""))"
                out += fit(SafeText.terminal(line)) + "\n"
            }
            if s.risky.isEmpty {
                out += "  no high-risk operation\n"
            } else {
                var t = Table(columns: ["RISKY OPERATION", "PLANE", "RISK", "PIM", "COND", "GRANTED BY"],
                              fits: [.middle, .keep, .end, .keep, .keep, .end])
                for r in s.risky {
                    let by = r.grants.map { grantedBy($0, here: s.scope, wide: wide) }.joined(separator: "; ")
                    let state = r.grants.contains { $0.state == .active } ? "active" : "eligible"
                    // Every operation name starts with its provider; `Microsoft.` says nothing in a narrow table.
                    let name = wide || !r.operation.name.hasPrefix("Microsoft.") ? r.operation.name : String(r.operation.name.dropFirst("Microsoft.".count))
                    t.append([name + (r.catalogued ? "" : " (uncatalogued)"), r.operation.plane.rawValue, r.operation.risk,
                              state, r.conditional ? "yes" : "no", by])
                }
                out += t.render(width: width.map { $0 - 2 }).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
            }
        }
        return out
    }
}
