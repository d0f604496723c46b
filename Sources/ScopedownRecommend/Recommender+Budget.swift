import ScopedownCore

/// Azure's custom roles per tenant (REFERENCE.md §4.1: 5,000; 2,000 in Azure operated by 21Vianet)
/// against what the proposals want: the generated roles may number the limit minus the custom
/// roles that exist.
struct CustomRoleBudget: Sendable {
    let limit: Int
    let existing: Int
    /// Distinct generated roles the proposals want (parts split by assignable scopes count each).
    let wanted: Int

    var budget: Int { max(0, limit - existing) }
    var exceeded: Bool { wanted > budget }

    func summaryNote(fellBack: Int, byKind: [String: Int]) -> String {
        let kinds = CustomRoleBudget.fallbackKinds.compactMap { k in byKind[k].map { "\($0) \(k)" } }.joined(separator: ", ")
        let kept = budget == 0 ? "none can be generated" : "the \(budget) that remove the most privilege (risk-weighted) are generated"
        return "the proposals want \(wanted) new custom role\(wanted == 1 ? "" : "s"), but \(existing) exist\(existing == 1 ? "s" : "") and the limit is \(limit) per tenant "
            + "(Azure's: 5,000; 2,000 in Azure operated by 21Vianet; --custom-role-limit): \(kept), "
            + "and \(fellBack) assignment\(fellBack == 1 ? "" : "s") fell back to a proposal needing no new role (\(kinds)), each saying why"
    }

    /// The fallbacks, in the order the summary names them.
    static let fallbackKinds = ["to a built-in", "to an existing custom role", "to narrower scopes", "kept"]
}

extension Recommender {
    /// Keeps the generated roles within `budget`: the roles whose assignments would lose the most
    /// privilege without them (`Draft.budgetValue` summed over the role's assignments; ties by
    /// role id) are kept, and every assignment of a cut role takes its fallback (`redraft` without
    /// new roles: an existing role that fits, else the current role, narrowed where that applied),
    /// its first note saying why. Returns how many assignments fell back, per fallback kind.
    func applyCustomRoleBudget(_ drafts: inout [Draft], _ generated: inout [RoleDefinition], _ budget: CustomRoleBudget,
                               redraft: @escaping @Sendable (Recommender, RoleAssignment, [AttributedUse], inout [String: Fit]) -> Draft)
        -> (Int, [String: Int]) {
        var value: [String: Int] = [:]
        for d in drafts where d.custom != nil { value[d.rec.proposal.roleID, default: 0] += d.budgetValue }
        let ranked = generated.map(\.id).sorted { x, y in
            let a = value[x] ?? 0, b = value[y] ?? 0
            return a != b ? a > b : x < y
        }
        let kept = Set(ranked.prefix(budget.budget))
        generated = generated.filter { kept.contains($0.id) }
        let cut = drafts.indices.filter { drafts[$0].custom != nil && !kept.contains(drafts[$0].rec.proposal.roleID) }
        let before = drafts
        let fallbacks = Self.inChunks(cut.count) { range -> [Draft] in
            let r = self.fresh()
            var cache: [String: Fit] = [:]
            return range.map { k in redraft(r, before[cut[k]].rec.assignment, before[cut[k]].uses, &cache) }
        }
        var byKind: [String: Int] = [:]
        for (k, i) in cut.enumerated() {
            var fb = fallbacks[k]
            let kind = fallbackKind(fb.rec)
            if let wider = fb.proposed, let custom = drafts[i].proposed {
                fb.rec.notes.insert(budgetNote(budget, wider, custom, fallback: kind.words), at: 0)
            }
            drafts[i] = fb
            byKind[kind.label, default: 0] += 1
        }
        return (cut.count, byKind)
    }

    /// What a fallen-back proposal holds: a built-in, an existing custom role, or the current role
    /// (at narrower scopes, or as it is).
    func fallbackKind(_ rec: Recommendation) -> (label: String, words: String) {
        let a = rec.assignment, p = rec.proposal
        if p.roleID != a.roleDefinitionID, let role = roleSets[p.roleID]?.role {
            return role.isCustom ? (CustomRoleBudget.fallbackKinds[1], "the existing custom role \(role.roleName)")
                : (CustomRoleBudget.fallbackKinds[0], "the built-in \(role.roleName)")
        }
        if p.scopes != [a.scope] { return (CustomRoleBudget.fallbackKinds[2], "the current role at the scopes used") }
        return (CustomRoleBudget.fallbackKinds[3], "the current role, kept")
    }

    /// `custom-role budget of N reached (...): a generated role ... would have removed K more unused
    /// observable operations (the risky ones first), risk-weighted W; proposed instead: ...`.
    func budgetNote(_ budget: CustomRoleBudget, _ wider: RoleSets, _ custom: RoleSets, fallback: String) -> String {
        let e = budgetExcess(wider, custom.control, custom.literalControl)
        var head: [String] = []
        for (k, r) in RiskCatalog.operations.enumerated() where r.plane == .control && head.count < 3 {
            if let i = riskIndex[k], e.catalog.contains(i) { head.append(ops.control[i].name) }
        }
        let risky = Set(head)
        for i in e.catalog.indices where head.count < 3 && !risky.contains(ops.control[i].name) { head.append(ops.control[i].name) }
        for n in Self.sortedNames(Set(e.literals)) where head.count < 3 { head.append(n) }
        let list = head.joined(separator: ", ") + (e.count > head.count ? ", and \(e.count - head.count) more" : "")
        return "custom-role budget of \(budget.budget) reached (limit \(budget.limit) per tenant, \(budget.existing) custom role\(budget.existing == 1 ? "" : "s") exist\(budget.existing == 1 ? "s" : "")): "
            + "a generated role with exactly what must be kept would have removed \(e.count) more unused observable operation\(e.count == 1 ? "" : "s")"
            + (e.count == 0 ? "" : " (\(list)), risk-weighted \(e.weighted)") + "; proposed instead: \(fallback)"
    }

    /// The observable operations `wider` grants beyond the kept control-plane set (reads are
    /// unobservable, REFERENCE.md §3.1), weighed as the built-in fit weighs excess: 1 each, a
    /// risky one its `RiskCatalog` weight. Names outside the catalog: the literal ones.
    func budgetExcess(_ wider: RoleSets, _ kc: OperationBitSet, _ lc: [String: String])
        -> (weighted: Int, count: Int, catalog: OperationBitSet, literals: [String]) {
        let set = wider.control.subtracting(kc).subtracting(readMask)
        var weighted = set.cardinality
        for (k, r) in RiskCatalog.operations.enumerated() where r.plane == .control {
            if let i = riskIndex[k], set.contains(i) { weighted += r.weight - 1 }
        }
        let literals = wider.literalControl.filter { !$0.key.hasSuffix("/read") && lc[$0.key] == nil }.map(\.value)
        weighted += literals.reduce(0) { $0 + RiskCatalog.weight(of: $1, plane: .control) }
        return (weighted, set.cardinality + literals.count, set, literals)
    }

    /// The role a proposal over the budget holds instead of a generated one: among the closest
    /// built-in (`fit.best`) and the existing custom roles that grant what must be kept, are
    /// assignable at `scopes` and grant less than the current role (all candidates grant nothing
    /// it does not), the least risk-weighted excess; ties by excess count, size, name, id. Nil:
    /// none, the current role stays.
    func budgetFallbackRole(_ current: RoleSets, _ fit: Fit, _ kc: OperationBitSet, _ kd: OperationBitSet,
                            _ lc: [String: String], _ ld: [String: String], scopes: [Scope]) -> RoleSets? {
        var best: (key: (Int, Int, Int, String, String), sets: RoleSets)?
        func consider(_ c: RoleSets) {
            let smaller = c.control.cardinality < current.control.cardinality || c.data.cardinality < current.data.cardinality
            guard smaller || !PatternAlgebra.isWithin(current, c) else { return }
            let e = budgetExcess(c, kc, lc)
            let key = (e.weighted, e.count, c.control.cardinality + c.data.cardinality, c.role.roleName.lowercased(), c.role.id)
            if best.map({ key < $0.key }) ?? true { best = (key, c) }
        }
        if let b = fit.best, let c = roleSets[b.id] { consider(c) }
        for id in candidates(within: current) {
            guard let c = roleSets[id], c.role.isCustom, kc.isSubset(of: c.control), kd.isSubset(of: c.data),
                  lc.values.allSatisfy({ c.grants($0, .control) }), ld.values.allSatisfy({ c.grants($0, .data) }),
                  assignable(c.role, at: scopes) else { continue }
            consider(c)
        }
        return best?.sets
    }
}
