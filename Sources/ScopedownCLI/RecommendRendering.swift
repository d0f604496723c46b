import ScopedownCore
import ScopedownRecommend
import ScopedownRender

/// Rendering of `scopedown recommend` (JSON as documented in docs/cli.md; table, Markdown, CSV).
enum RecommendRendering {
    /// `width` and `names` shape the table only: nil width prints it in full, with ids (the golden files).
    static func render(_ r: RecommendResult, format: RecommendCommand.Format, width: Int? = nil, names: NameBook? = nil) -> String {
        switch format {
        case .json:
            var out = ""
            writeJSON(r) { out += $0 }
            return out
        case .table: return width == nil ? table(r) : narrowTable(r, width: width ?? 120, names: names ?? NameBook(snapshot: AuthorizationSnapshot()))
        case .markdown: return markdown(r)
        case .csv: return csv(r)
        }
    }

    // MARK: JSON

    /// `json(r).render() + "\n"`, byte for byte, handed to `write` in pieces: the recommendations
    /// rendered a batch at a time on every core, so the whole text (hundreds of MB for a large
    /// tenant) is never held at once.
    static func writeJSON(_ r: RecommendResult, batch: Int = 4_096, chunks: Int = ParallelText.defaultChunks, to write: (String) -> Void) {
        let recs = r.recommendations
        write("{\n  \"recommendations\": " + (recs.isEmpty ? "[]" : "["))
        var start = 0
        while start < recs.count {
            let end = min(recs.count, start + batch), first = start
            for part in ParallelText.chunks(end - start, chunks, { range in
                var s = ""
                s.reserveCapacity(range.count * 4_096)
                for i in range {
                    // Each element as the array nests it: two levels deep.
                    s += first + i > 0 ? ",\n    " : "\n    "
                    json(recs[first + i]).render(into: &s, pretty: true, indent: 2)
                }
                return s
            }) { write(part) }
            start = end
        }
        if !recs.isEmpty { write("\n  ]") }
        write(",\n  \"summary\": " + json(r.summary).render(pretty: true, indent: 1) + "\n}\n")
    }

    static func json(_ r: RecommendResult) -> JSON {
        .object([
            ("recommendations", .array(r.recommendations.map(json))),
            ("summary", json(r.summary)),
        ])
    }

    static func json(_ x: Recommendation) -> JSON {
        let p = x.proposal, e = x.evidence, c = e.classes
        var window: [(String, JSON)] = [("days", .int(e.windowDays))]
        if let end = e.windowEnd {
            window.append(("from", .string(CivilDate.dayString(end - e.windowDays + 1))))
            window.append(("to", .string(CivilDate.dayString(end))))
        }
        return .object([
            ("assignment", .string(x.assignment.id)),
            ("principal", .string(x.assignment.principalID)),
            ("current", .object([("role", .string(x.currentRole)), ("scope", .string(x.assignment.scope.display))])),
            ("proposal", .object([
                ("kind", .string(p.kind.rawValue)),
                ("role", .string(p.role)),
                ("actions", .strings(p.actions)),
                ("dataActions", .strings(p.dataActions)),
                ("scopes", .strings(p.scopes.map(\.display))),
            ])),
            ("evidence", .object([
                ("usedActions", .strings(e.usedActions)),
                ("uses", .int(e.uses)),
                ("lastUsed", .optional(e.lastUsed.map(CivilDate.isoString))),
                ("daysUsed", .int(e.daysUsed)),
                ("unobservableKept", .int(c.unobservableKept)),
                ("window", .object(window)),
                ("permissions", .object([
                    ("observed", .int(c.observed)),
                    ("observableUnusedRemoved", .int(c.observableUnusedRemoved)),
                    ("observableUnusedKept", .int(c.observableUnusedKept)),
                    ("unobservableKept", .int(c.unobservableKept)),
                    ("unobservableRemoved", .int(c.unobservableRemoved)),
                    ("kept", groups(e.permissions.filter(\.kept))),
                    ("removed", groups(e.permissions.filter { !$0.kept })),
                ])),
            ])),
            ("replay", .object([("events", .int(x.replay.events)), ("denied", .int(x.replay.denied))])),
            ("notes", .strings(x.notes)),
        ])
    }

    /// Per class and plane (in the entries' order): `{"class", "plane", "operations": [names],
    /// "patterns": {pattern: count}}`, a pattern standing for the catalog operations of that class
    /// the current role grants through it. Grouped so that an operation costs one line.
    static func groups(_ list: [PermissionEntry]) -> JSON {
        var order: [String] = []
        var ops: [String: [String]] = [:], patterns: [String: [(String, Int)]] = [:]
        var heads: [String: (PermissionClass, Plane)] = [:]
        for e in list {
            let key = e.permissionClass.rawValue + "|" + e.plane.rawValue
            if heads[key] == nil { heads[key] = (e.permissionClass, e.plane); order.append(key) }
            if e.isPattern {
                // The same pattern written in two blocks: one key, counts added.
                if let k = patterns[key]?.firstIndex(where: { $0.0 == e.name }) { patterns[key]?[k].1 += e.count } else { patterns[key, default: []].append((e.name, e.count)) }
            } else {
                ops[key, default: []].append(e.name)
            }
        }
        return .array(order.compactMap { key in
            guard let (c, plane) = heads[key] else { return nil }
            return .object([("class", .string(c.rawValue)), ("plane", .string(plane.rawValue)), ("operations", .strings(ops[key] ?? [])),
                            ("patterns", .object((patterns[key] ?? []).map { ($0.0, .int($0.1)) }))])
        })
    }

    /// Counts per class in words: `kept 3 observed, 812 unobservable; removed 15000 observable but unused`.
    static func classCounts(_ c: PermissionClasses) -> String {
        func part(_ items: [(Int, PermissionClass)]) -> String {
            items.filter { $0.0 > 0 }.map { "\($0.0) \($0.1.words)" }.joined(separator: ", ")
        }
        let kept = part([(c.observed, .observed), (c.observableUnusedKept, .observableUnused), (c.unobservableKept, .unobservable)])
        let removed = part([(c.observableUnusedRemoved, .observableUnused), (c.unobservableRemoved, .unobservable)])
        return "kept " + (kept.isEmpty ? "nothing" : kept) + "; removed " + (removed.isEmpty ? "nothing" : removed)
    }

    static func json(_ s: RecommendSummary) -> JSON {
        .object([
            ("reviewed", .int(s.reviewed)),
            ("proposals", .object(ProposalKind.allCases.map { ($0.rawValue, .int(s.byKind[$0] ?? 0)) })),
            ("operationsRemoved", .int(s.operationsRemoved)),
            ("principalsLosing", .object([
                ("roleAssignmentWrite", .int(s.principalsLosingRoleAssignmentWrite)),
                ("ownerEquivalent", .int(s.principalsLosingOwnerEquivalent)),
                ("secretAccess", .int(s.principalsLosingSecretAccess)),
            ])),
            ("exempt", .int(s.exempt)),
            ("tooNew", .int(s.tooNew)),
            ("eligibleReported", .int(s.eligibleReported)),
            ("generatedRoles", .int(s.generatedRoles)),
            ("replay", .object([("events", .int(s.replayEvents)), ("denied", .int(s.replayDenied))])),
            ("permissions", .object([
                ("kept", .object([("observed", .int(s.permissions.observed)), ("observableUnused", .int(s.permissions.observableUnusedKept)),
                                  ("unobservable", .int(s.permissions.unobservableKept))])),
                ("removed", .object([("observableUnused", .int(s.permissions.observableUnusedRemoved)),
                                     ("unobservable", .int(s.permissions.unobservableRemoved))])),
            ])),
            ("customRoles", .object(customRoles(s))),
            ("notes", .strings(s.notes)),
        ])
    }

    /// `exceeded`: the roles wanted passed the limit; then also the budget (limit minus existing),
    /// the roles wanted and the assignments that fell back.
    static func customRoles(_ s: RecommendSummary) -> [(String, JSON)] {
        var out: [(String, JSON)] = [("existing", .int(s.existingCustomRoles)), ("generated", .int(s.generatedRoles)),
                                     ("limit", .int(s.customRoleLimit)), ("exceeded", .bool(s.customRoleLimitExceeded))]
        if s.customRoleLimitExceeded {
            out += [("budget", .int(s.customRoleBudget)), ("wanted", .int(s.customRolesWanted)), ("fellBack", .int(s.customRoleFallbacks))]
        }
        return out
    }

    // MARK: Summary in words

    static func summaryLines(_ s: RecommendSummary) -> [String] {
        func n(_ k: Int, _ word: String) -> String { "\(k) \(word)\(k == 1 ? "" : "s")" }
        var lines: [String] = []
        lines.append("\(n(s.reviewed, "assignment")) reviewed: "
            + ProposalKind.allCases.map { "\(s.byKind[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ") + ".")
        lines.append("\(n(s.operationsRemoved, "granted operation")) removed across all assignments; \(n(s.generatedRoles, "custom role")) to create.")
        lines.append("\(n(s.principalsLosingRoleAssignmentWrite, "principal")) lose role-assignment write, "
            + "\(s.principalsLosingOwnerEquivalent) lose Owner-equivalent access, \(s.principalsLosingSecretAccess) lose secret or key access.")
        lines.append("Replay: \(n(s.replayEvents, "recorded use")) replayed against the proposals, \(s.replayDenied) denied.")
        lines.append("Permissions over all assignments: " + classCounts(s.permissions) + ".")
        var kept: [String] = []
        if s.exempt > 0 { kept.append("\(s.exempt) exempt") }
        if s.tooNew > 0 { kept.append("\(s.tooNew) too new to judge") }
        if s.eligibleReported > 0 { kept.append("\(s.eligibleReported) PIM-eligible (reported, not changed)") }
        if !kept.isEmpty { lines.append("Not changed: " + kept.joined(separator: ", ") + ".") }
        for note in s.notes { lines.append("Note: " + note + ".") }
        lines.append("Reads and data actions are unobservable (the Activity Log records only control-plane writes, deletes and actions): "
            + "they are kept unless --reads drop, and never called unused.")
        return lines
    }

    // MARK: Table

    /// The notes, then the permission counts per class.
    static func why(_ x: Recommendation) -> String {
        (x.notes + (x.evidence.permissions.isEmpty ? [] : ["permissions: " + classCounts(x.evidence.classes)])).joined(separator: "; ")
    }

    static func who(_ x: Recommendation) -> String {
        x.principalName.map { "\($0) (\(x.assignment.principalID))" } ?? x.assignment.principalID
    }

    static func proposalText(_ x: Recommendation) -> String {
        switch x.proposal.kind {
        case .remove: return "-"
        default: return x.proposal.role
        }
    }

    static func table(_ r: RecommendResult) -> String {
        var t = Table(columns: ["ASSIGNMENT", "PRINCIPAL", "CURRENT", "PROPOSAL", "ROLE", "SCOPES", "USES", "DAYS", "REPLAY"],
                      alignments: [.left, .left, .left, .left, .left, .left, .right, .right, .left])
        for x in r.recommendations {
            t.append([x.assignment.id + (x.assignment.state == .eligible ? " (eligible)" : ""), who(x),
                      "\(x.currentRole) @ \(x.assignment.scope.display)", x.proposal.kind.rawValue, proposalText(x),
                      x.proposal.scopes.map(\.display).joined(separator: " "), String(x.evidence.uses), String(x.evidence.daysUsed),
                      "\(x.replay.events)/\(x.replay.denied) denied"])
        }
        // The summary first: what a reviewer reads in a minute.
        var out = ""
        for line in summaryLines(r.summary) { out += SafeText.terminal(line) + "\n" }
        out += "\n" + t.render()
        let changed = r.recommendations.filter { $0.proposal.kind != .keep || !$0.notes.isEmpty }
        if !changed.isEmpty {
            out += "\nWhy:\n"
            for x in changed where !x.notes.isEmpty {
                out += SafeText.terminal("  \(x.assignment.id) (\(x.proposal.kind.rawValue)): " + why(x)) + "\n"
            }
        }
        return out
    }

    /// The table for a terminal: names first (principal, roles, shortened scopes), fitted to `width`;
    /// the assignment ids stay in `--wide`, JSON and CSV.
    static func narrowTable(_ r: RecommendResult, width: Int, names: NameBook) -> String {
        // Proposal kinds in a word (the full kind is in --wide, JSON and CSV).
        func kind(_ x: Recommendation) -> String {
            switch x.proposal.kind.rawValue {
            case "replace-with-custom": return "custom role"
            case "replace-with-builtin": return "built-in"
            case "narrow-scope": return "narrow"
            case "make-eligible": return "eligible"
            default: return x.proposal.kind.rawValue
            }
        }
        var t = Table(columns: ["PRINCIPAL", "CURRENT", "PROPOSAL", "ROLE", "SCOPES", "USES", "DAYS", "REPLAY/DENY"],
                      alignments: [.left, .left, .left, .left, .left, .right, .right, .left],
                      fits: [.end, .end, .keep, .end, .middle, .keep, .keep, .keep])
        for x in r.recommendations {
            let f = names.principal(x.assignment.principalID)
            let label = f.displayName == nil ? (x.principalName ?? f.label) : f.label
            t.append([label + (x.assignment.state == .eligible ? " (eligible)" : ""),
                      "\(x.currentRole) @ \(names.scope(x.assignment.scope.display))", kind(x), proposalText(x),
                      x.proposal.scopes.map { names.scope($0.display) }.joined(separator: " "), String(x.evidence.uses), String(x.evidence.daysUsed),
                      "\(x.replay.events)/\(x.replay.denied)"])
        }
        var out = ""
        for line in summaryLines(r.summary) { out += TextWrap.wrap(SafeText.terminal(line), width: width).joined(separator: "\n") + "\n" }
        out += "\n" + t.render(width: width)
        let changed = r.recommendations.filter { $0.proposal.kind != .keep || !$0.notes.isEmpty }
        if !changed.isEmpty {
            out += "\nWhy:\n"
            for x in changed where !x.notes.isEmpty {
                let who = names.principal(x.assignment.principalID).displayName ?? x.assignment.principalID
                let line = SafeText.terminal("  \(who), \(x.currentRole) @ \(names.scope(x.assignment.scope.display)) (\(x.proposal.kind.rawValue)): " + why(x))
                out += TextWrap.wrap(line, width: width).joined(separator: "\n") + "\n"
            }
        }
        return out
    }

    // MARK: Markdown

    static func md(_ s: String) -> String {
        var out = ""
        for c in SafeText.terminal(s).unicodeScalars {
            switch c {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "`", "*", "_", "[", "]": out += "\\" + String(c)
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func markdown(_ r: RecommendResult) -> String {
        var out = "# Least-privilege recommendations\n\n## Summary\n\n"
        for line in summaryLines(r.summary) { out += "- " + md(line) + "\n" }
        out += "\n## Proposals\n\n| assignment | principal | current | proposal | role | scopes | uses | days | replay | permissions |\n"
        out += "|---|---|---|---|---|---|---:|---:|---|---|\n"
        for x in r.recommendations {
            out += "| " + [md(x.assignment.id), md(who(x)), md("\(x.currentRole) @ \(x.assignment.scope.display)"),
                           md(x.proposal.kind.rawValue), md(proposalText(x)),
                           md(x.proposal.scopes.map(\.display).joined(separator: ", ")), String(x.evidence.uses),
                           String(x.evidence.daysUsed), "\(x.replay.events) replayed, \(x.replay.denied) denied",
                           x.evidence.permissions.isEmpty ? "" : md(classCounts(x.evidence.classes))].joined(separator: " | ") + " |\n"
        }
        let noted = r.recommendations.filter { !$0.notes.isEmpty }
        if !noted.isEmpty {
            out += "\n## Why\n\n"
            for x in noted { out += "- " + md(x.assignment.id) + " (" + md(x.proposal.kind.rawValue) + "): " + md(x.notes.joined(separator: "; ")) + "\n" }
        }
        // What each change keeps and removes, per class (the assignments left as they are keep everything).
        let changing = r.recommendations.filter { x in x.evidence.permissions.contains { !$0.kept } }
        if !changing.isEmpty {
            out += "\n## Permissions\n\nFor each assignment whose proposal removes something: what its current role grants, kept or removed, "
                + "by class (observed: used in the window; observable but unused: a write, delete or action not used; "
                + "unobservable: reads and data actions the Activity Log cannot see). A wildcard stands for the catalog operations "
                + "of that class it grants (`--detail` lists each).\n"
            for x in changing {
                out += "\n### " + md(x.assignment.id) + ": " + md("\(x.currentRole) @ \(x.assignment.scope.display)") + " (" + md(x.proposal.kind.rawValue) + ")\n\n"
                out += ChangeEmitters.permissionsMarkdown(x.evidence.permissions).joined(separator: "\n") + "\n"
            }
        }
        return out
    }

    // MARK: CSV

    static func csv(_ r: RecommendResult) -> String {
        var c = CSV(header: ["assignment", "principal", "currentRole", "currentScope", "kind", "role", "scopes", "uses", "daysUsed",
                             "lastUsed", "usedActions", "unobservableKept", "replayEvents", "replayDenied", "notes",
                             "keptObserved", "keptObservableUnused", "keptUnobservable", "removedObservableUnused", "removedUnobservable",
                             "kept", "removed"])
        /// `class:operation` or `class:pattern (count)`, `;`-separated.
        func cell(_ list: [PermissionEntry]) -> String {
            list.map { "\($0.permissionClass.rawValue):\($0.name)" + ($0.isPattern ? " (\($0.count))" : "") + ($0.plane == .data ? " (data)" : "") }
                .joined(separator: ";")
        }
        for x in r.recommendations {
            let k = x.evidence.classes
            let base: [String] = [x.assignment.id, x.assignment.principalID, x.currentRole, x.assignment.scope.display, x.proposal.kind.rawValue,
                                  x.proposal.role, x.proposal.scopes.map(\.display).joined(separator: ";"), String(x.evidence.uses),
                                  String(x.evidence.daysUsed), x.evidence.lastUsed.map(CivilDate.isoString) ?? "", x.evidence.usedActions.joined(separator: ";"),
                                  String(k.unobservableKept), String(x.replay.events), String(x.replay.denied), x.notes.joined(separator: "; ")]
            let counts: [String] = [k.observed, k.observableUnusedKept, k.unobservableKept, k.observableUnusedRemoved, k.unobservableRemoved].map { String($0) }
            let lists: [String] = [cell(x.evidence.permissions.filter(\.kept)), cell(x.evidence.permissions.filter { !$0.kept })]
            // Cells also terminal-safe: CSV goes to stdout as often as to a file.
            c.append((base + counts + lists).map(SafeText.terminal))
        }
        return c.render()
    }
}
