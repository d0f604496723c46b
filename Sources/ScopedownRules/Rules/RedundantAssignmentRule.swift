import ScopedownCore

/// SD013: an assignment fully covered by another of the same principal at the same or a broader scope.
struct RedundantAssignmentRule: Rule {
    let description = RuleDescription(
        id: "SD013", kind: "redundant-assignment", severity: .low,
        summary: "An assignment whose grant is fully covered by another assignment of the same principal at the same or an ancestor scope.",
        rationale: "A redundant assignment adds nothing today but keeps the access alive when the broader one is removed, so a clean-up leaves more behind than intended; it also counts toward the 4,000 limit.",
        remediation: "Remove the narrower assignment, or remove the broader one if the narrower one is what was meant.",
        triggering: [
            RuleExample("""
            sub dev
            user ivan
            assign a1 ivan Owner sub:dev
            assign a2 ivan Contributor sub:dev/rg:ivan
            expect count=1 principal=ivan scope=sub:dev/rg:ivan
            """),
            RuleExample("""
            mg corp
            sub prod mg=corp
            user frank
            assign a1 frank Reader mg:corp
            assign a2 frank Reader sub:prod
            expect count=1
            """),
        ],
        nonTriggering: [
            RuleExample("""
            # Contributor does not cover Owner
            sub dev
            user ivan
            assign a1 ivan Contributor sub:dev
            assign a2 ivan Owner sub:dev/rg:ivan
            """),
            RuleExample("""
            # a conditional broad assignment does not cover an unconditional narrow one
            sub dev
            user kim
            assign a1 kim Owner sub:dev condition
            assign a2 kim Contributor sub:dev/rg:data
            """),
            RuleExample("""
            # Owner holds no data actions
            sub dev
            user kim
            assign a1 kim Owner sub:dev
            assign a2 kim StorageBlobDataReader sub:dev/rg:data
            """),
        ])

    func check(_ c: RuleContext) -> [Finding] {
        var roles: [String: RoleDefinition] = [:]
        for r in c.snapshot.roleDefinitions where roles[r.id] == nil { roles[r.id] = r }
        var byPrincipal: [String: [Int]] = [:]
        for i in c.countingAssignments { byPrincipal[c.snapshot.roleAssignments[i].principalID, default: []].append(i) }
        var coverMemo: [String: Bool] = [:]
        // Scopes recur across principals: their ancestors and depth are computed once.
        var ancestorKeys: [String: Set<String>] = [:], depths: [String: Int] = [:]
        var out: [Finding] = []
        for (_, list) in byPrincipal where list.count > 1 {
            for i in list {
                let a = c.snapshot.roleAssignments[i]
                guard let ra = roles[a.roleDefinitionID] else { continue }
                let ancestors = ancestorKeys[a.scope.key] ?? Set(c.evaluator.hierarchy.ancestors(of: a.scope).map(\.key))
                ancestorKeys[a.scope.key] = ancestors
                // The broadest covering assignment (then lowest id), so the report is stable.
                var best: (Int, Int)?
                for j in list where j != i {
                    let b = c.snapshot.roleAssignments[j]
                    guard !b.isConditional, b.state == .active || a.state == .eligible, ancestors.contains(b.scope.key),
                          let rb = roles[b.roleDefinitionID] else { continue }
                    // The same role at the same scope twice: report the later id only.
                    if b.scope == a.scope && b.roleDefinitionID == a.roleDefinitionID && b.id > a.id { continue }
                    let k = ra.id + "|" + rb.id
                    let covered = coverMemo[k] ?? Self.covers(rb, ra)
                    coverMemo[k] = covered
                    guard covered else { continue }
                    let depth = depths[b.scope.key] ?? c.evaluator.hierarchy.ancestors(of: b.scope).count
                    depths[b.scope.key] = depth
                    if best == nil || depth < best!.1 || (depth == best!.1 && b.id < c.snapshot.roleAssignments[best!.0].id) { best = (j, depth) }
                }
                guard let (j, _) = best else { continue }
                let b = c.snapshot.roleAssignments[j]
                out.append(description.finding(
                    principal: a.principalID, scope: a.scope.display, assignment: a.id, role: ra.roleName,
                    message: "`\(ra.roleName)` for \(c.principalLabel(a.principalID)) at \(c.scopeLabel(a.scope)) is covered by `\(roles[b.roleDefinitionID]?.roleName ?? "")` at \(c.scopeLabel(b.scope))",
                    evidence: ["covering assignment `\(b.id)`: `\(roles[b.roleDefinitionID]?.roleName ?? "")` at `\(b.scope.display)`, every action and data action of `\(ra.roleName)` included"]))
            }
        }
        return out
    }

    /// Whether role `b` grants everything role `a` grants: each of `a`'s patterns (as written) is
    /// matched by a pattern of one unconditional block of `b` (`ActionPattern`, the evaluator's
    /// matcher) that no NotAction of that block can cut into. Conservative: may say no when yes.
    static func covers(_ b: RoleDefinition, _ a: RoleDefinition) -> Bool {
        func covered(_ p: String, data: Bool) -> Bool {
            b.permissions.contains { block in
                guard block.condition == nil else { return false }
                let grants = data ? block.dataActions : block.actions
                let removes = data ? block.notDataActions : block.notActions
                guard grants.contains(where: { ActionPattern($0).matches(p) }) else { return false }
                if p.contains("*") { return removes.isEmpty }
                return !removes.contains { ActionPattern($0).matches(p) }
            }
        }
        return a.permissions.allSatisfy { block in
            block.actions.allSatisfy { covered($0, data: false) } && block.dataActions.allSatisfy { covered($0, data: true) }
        }
    }
}
