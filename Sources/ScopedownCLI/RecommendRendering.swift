import ScopedownCore
import ScopedownRecommend
import ScopedownRender

/// Rendering of `scopedown recommend` (JSON as documented in docs/cli.md; table, Markdown, CSV).
enum RecommendRendering {
    static func render(_ r: RecommendResult, format: RecommendCommand.Format) -> String {
        switch format {
        case .json: return json(r).render() + "\n"
        case .table: return table(r)
        case .markdown: return markdown(r)
        case .csv: return csv(r)
        }
    }

    static func date(_ t: Int64?) -> String? {
        guard let t else { return nil }
        let day = Int(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
        let s = Int(t - Int64(day) * 86_400)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return dayText(day) + "T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))Z"
    }

    static func dayText(_ day: Int) -> String {
        let c = CivilDate.civil(fromDays: day)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.year)-\(two(c.month))-\(two(c.day))"
    }

    // MARK: JSON

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
            window.append(("from", .string(dayText(end - e.windowDays + 1))))
            window.append(("to", .string(dayText(end))))
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
                ("lastUsed", .optional(date(e.lastUsed))),
                ("daysUsed", .int(e.daysUsed)),
                ("unobservableKept", .int(c.unobservableKept)),
                ("window", .object(window)),
                ("permissions", .object([
                    ("observed", .int(c.observed)),
                    ("observableUnusedRemoved", .int(c.observableUnusedRemoved)),
                    ("observableUnusedKept", .int(c.observableUnusedKept)),
                    ("unobservableKept", .int(c.unobservableKept)),
                    ("unobservableRemoved", .int(c.unobservableRemoved)),
                ])),
            ])),
            ("replay", .object([("events", .int(x.replay.events)), ("denied", .int(x.replay.denied))])),
            ("notes", .strings(x.notes)),
        ])
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
            ("notes", .strings(s.notes)),
        ])
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
                out += SafeText.terminal("  \(x.assignment.id) (\(x.proposal.kind.rawValue)): " + x.notes.joined(separator: "; ")) + "\n"
            }
        }
        return out
    }

    // MARK: Markdown

    static func md(_ s: String) -> String {
        var out = ""
        for c in SafeText.terminal(s) {
            switch c {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "`", "*", "_", "[", "]": out += "\\" + String(c)
            default: out.append(c)
            }
        }
        return out
    }

    static func markdown(_ r: RecommendResult) -> String {
        var out = "# Least-privilege recommendations\n\n## Summary\n\n"
        for line in summaryLines(r.summary) { out += "- " + md(line) + "\n" }
        out += "\n## Proposals\n\n| assignment | principal | current | proposal | role | scopes | uses | days | replay |\n"
        out += "|---|---|---|---|---|---|---:|---:|---|\n"
        for x in r.recommendations {
            out += "| " + [md(x.assignment.id), md(who(x)), md("\(x.currentRole) @ \(x.assignment.scope.display)"),
                           md(x.proposal.kind.rawValue), md(proposalText(x)),
                           md(x.proposal.scopes.map(\.display).joined(separator: ", ")), String(x.evidence.uses),
                           String(x.evidence.daysUsed), "\(x.replay.events) replayed, \(x.replay.denied) denied"].joined(separator: " | ") + " |\n"
        }
        let noted = r.recommendations.filter { !$0.notes.isEmpty }
        if !noted.isEmpty {
            out += "\n## Why\n\n"
            for x in noted { out += "- " + md(x.assignment.id) + " (" + md(x.proposal.kind.rawValue) + "): " + md(x.notes.joined(separator: "; ")) + "\n" }
        }
        return out
    }

    // MARK: CSV

    static func csv(_ r: RecommendResult) -> String {
        var c = CSV(header: ["assignment", "principal", "currentRole", "currentScope", "kind", "role", "scopes", "uses", "daysUsed",
                             "lastUsed", "usedActions", "unobservableKept", "replayEvents", "replayDenied", "notes"])
        for x in r.recommendations {
            // Cells also terminal-safe: CSV goes to stdout as often as to a file.
            c.append([x.assignment.id, x.assignment.principalID, x.currentRole, x.assignment.scope.display, x.proposal.kind.rawValue,
                      x.proposal.role, x.proposal.scopes.map(\.display).joined(separator: ";"), String(x.evidence.uses),
                      String(x.evidence.daysUsed), date(x.evidence.lastUsed) ?? "", x.evidence.usedActions.joined(separator: ";"),
                      String(x.evidence.classes.unobservableKept), String(x.replay.events), String(x.replay.denied),
                      x.notes.joined(separator: "; ")].map(SafeText.terminal))
        }
        return c.render()
    }
}
