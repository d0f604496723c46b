import Dispatch
import ScopedownCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Machine {
    static var cores: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
}

/// A mutual-exclusion lock over pthread (no Foundation in this module).
final class Lock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

/// Least-privilege proposals for every role assignment, from the uses attributed to it
/// (`Evaluator.attribute`), each proven by replaying those uses through the evaluator.
///
/// What must be kept = the operations used in the window, plus (unless `keepReads` is off) the
/// reads and data actions the current role grants: the Activity Log cannot observe them
/// (REFERENCE.md §3.1), so they are unobservable, never unused. A proposal never grants an
/// operation or a scope the current assignment does not (`PatternAlgebra.isWithin`).
/// A memo table owned by one recommender run (single-threaded).
final class Memo<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

public struct Recommender: Sendable {
    let evaluator: Evaluator
    let options: RecommendOptions
    let ops: OperationIndex
    let hierarchy: ScopeHierarchy
    /// Role sets by role id (first definition of each id), and the roles in id order.
    let roleSets: [String: RoleSets]
    let roleOrder: [String]
    /// Control-plane catalog operations that are reads (unobservable, REFERENCE.md §3.1).
    let readMask: OperationBitSet
    let tagsByScope: [String: [String: String]]
    /// Management-group key -> the subscriptions below it (each subscription's ancestors walked once).
    let subscriptionsUnder: [String: [Scope]]
    /// Per `RiskCatalog.operations` entry: its index in the catalog's plane (nil: not in the catalog).
    let riskIndex: [Int?]
    /// Role id -> the candidate roles within it (`candidates(within:)`), filled as the run goes.
    var withinCache = Memo<[String: [String]]>([:])
    var ancestorMemo = Memo<[String: [Scope]]>([:])
    /// Scope key -> the scope at `options.minScope` covering it (`narrow`).
    var coverMemo = Memo<[String: Scope]>([:])
    /// Scope key -> the next wider scope `narrow` climbs to.
    var upMemo = Memo<[String: Scope?]>([:])
    /// Role id -> what `RoleFacts` derives from a snapshot role (not from generated roles).
    var factsMemo = Memo<[String: RoleFacts]>([:])

    /// A copy with memo tables of its own, for one thread.
    func fresh() -> Recommender {
        var r = self
        r.withinCache = Memo([:])
        r.ancestorMemo = Memo([:])
        r.coverMemo = Memo([:])
        r.upMemo = Memo([:])
        r.factsMemo = Memo([:])
        return r
    }

    /// `body` over `count` items cut into consecutive ranges run on every core, results in order
    /// (each range gets its own memo tables, so the result does not depend on the scheduling).
    static func inChunks<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Range<Int>) -> [T]) -> [T] {
        let cores = max(1, min(8, Machine.cores))
        let k = count < 64 || cores == 1 ? 1 : min(count, cores)
        if k == 1 { return body(0..<count) }
        let slots = Memo<[[T]]>(Array(repeating: [], count: k))
        let lock = Lock()
        DispatchQueue.concurrentPerform(iterations: k) { c in
            let part = body((count * c / k)..<(count * (c + 1) / k))
            lock.locked { slots.value[c] = part }
        }
        return slots.value.flatMap { $0 }
    }

    public init(evaluator: Evaluator, options: RecommendOptions) {
        self.evaluator = evaluator
        self.options = options
        ops = evaluator.operations
        hierarchy = evaluator.hierarchy
        var sets: [String: RoleSets] = [:]
        for r in evaluator.snapshot.roleDefinitions where sets[r.id] == nil { sets[r.id] = RoleSets(r, evaluator.operations) }
        roleSets = sets
        roleOrder = sets.keys.sorted()
        var mask = OperationBitSet(count: ops.control.count)
        for (i, e) in ops.control.enumerated() where e.key.count >= 5 && Array(e.key.suffix(5)) == Array("/read".utf8) { mask.insert(i) }
        readMask = mask
        var tags: [String: [String: String]] = [:]
        for s in evaluator.snapshot.subscriptions where !s.tags.isEmpty { tags[s.scope.key] = s.tags }
        for r in evaluator.snapshot.resources where !r.tags.isEmpty { tags[r.scope.key] = r.tags }
        tagsByScope = tags
        var under: [String: [Scope]] = [:]
        for sub in evaluator.snapshot.subscriptions {
            for s in evaluator.hierarchy.ancestors(of: sub.scope) where s.level == .managementGroup { under[s.key, default: []].append(sub.scope) }
        }
        subscriptionsUnder = under
        riskIndex = RiskCatalog.operations.map { evaluator.operations.index(of: $0.name, plane: $0.plane) }
    }

    /// Everything: one recommendation per assignment, the generated roles, the replay, the summary.
    /// `uses` are attributed by this recommender's evaluator (`Evaluator.attribute`).
    public func run(uses attributed: [AttributedUse], windowFrom: Int64?, windowTo: Int64?) -> RecommendResult {
        let asOf = options.asOfDay ?? windowTo.map { Int(floorDiv($0, 86_400)) }
        let start = asOf.map { $0 - options.windowDays + 1 }
        var summaryNotes: [String] = []
        if asOf == nil {
            summaryNotes.append("no Activity Log is imported: nothing can be judged unused, every assignment is kept")
        }
        if let start, let asOf {
            if let from = windowFrom.map({ Int(floorDiv($0, 86_400)) }) {
                if from < start {
                    summaryNotes.append("the window (\(options.windowDays) days, \(CivilDate.dayString(start)) to \(CivilDate.dayString(asOf))) is shorter than the usage data held (from \(CivilDate.dayString(from))): older uses are not considered")
                } else if from > start {
                    summaryNotes.append("the usage data covers \(max(0, asOf - from + 1)) of the \(options.windowDays) days of the window (from \(CivilDate.dayString(from))): an assignment used only before that looks unused")
                }
            }
        }
        // Judged from the later of the window's start and the first day of data held.
        let dataStart = windowFrom.map { Int(floorDiv($0, 86_400)) }
        let judgedFrom = start.map { s in max(s, dataStart ?? s) }
        // Per assignment, the ranges of `attributed` it keeps (in order): attribution lists the uses
        // by assignment, so mostly one range each; the uses are copied out on the drafting threads.
        var byAssignment: [String: [Range<Int>]] = [:]
        var patternUses = 0
        var from = 0, taken = 0
        func flush() {
            if taken > 0 { byAssignment[attributed[from].assignment, default: []].append(from..<(from + taken)) }
            taken = 0
        }
        for i in attributed.indices {
            let day = attributed[i].day
            if let start, let asOf, day < start || day > asOf { flush(); continue }
            // An operation name holding `*` is a pattern, not an operation: kept in a custom role it
            // would grant more than was used (REFERENCE.md §2.2, §4.2).
            if attributed[i].action.utf8.contains(UInt8(ascii: "*")) { patternUses += attributed[i].count; flush(); continue }
            if taken > 0 && attributed[from].assignment != attributed[i].assignment { flush() }
            if taken == 0 { from = i }
            taken += 1
        }
        flush()
        if patternUses > 0 {
            summaryNotes.append("\(patternUses) recorded use\(patternUses == 1 ? "" : "s") name a wildcard pattern instead of an operation: ignored")
        }

        let assignments = evaluator.snapshot.roleAssignments.sorted { ($0.id, $0.state.rawValue) < ($1.id, $1.state.rawValue) }
        let judged = asOf != nil, grouped = byAssignment
        var drafts = Self.inChunks(assignments.count) { range -> [Draft] in
            let r = self.fresh()
            var cache: [String: Fit] = [:]
            return range.map { i in
                let a = assignments[i]
                let uses = (grouped[a.id] ?? []).flatMap { attributed[$0] }
                return r.draft(a, uses: uses, judged: judged, windowStart: judgedFrom, windowEnd: asOf, cache: &cache)
            }
        }
        var generated = dedupeCustomRoles(&drafts)
        // Custom roles by id (a role may be listed once per assignable scope it was exported from).
        let existingCustom = Set(evaluator.snapshot.roleDefinitions.filter(\.isCustom).map { $0.id.lowercased() }).count
        let budget = CustomRoleBudget(limit: options.customRoleLimit, existing: existingCustom, wanted: generated.count)
        var fellBack = 0
        if budget.exceeded {
            let byKind: [String: Int]
            (fellBack, byKind) = applyCustomRoleBudget(&drafts, &generated, budget) { r, a, uses, cache in
                r.draft(a, uses: uses, judged: judged, windowStart: judgedFrom, windowEnd: asOf, cache: &cache, newRoles: false)
            }
            summaryNotes.append(budget.summaryNote(fellBack: fellBack, byKind: byKind))
        }
        var recs = replay(drafts, generated: generated)
        recs.sort { ($0.assignment.id, $0.assignment.state.rawValue) < ($1.assignment.id, $1.assignment.state.rawValue) }
        var summary = summarize(recs, generated: generated.count, notes: summaryNotes)
        summary.existingCustomRoles = existingCustom
        summary.customRoleLimit = options.customRoleLimit
        summary.customRoleLimitExceeded = budget.exceeded
        summary.customRoleBudget = budget.budget
        summary.customRolesWanted = budget.wanted
        summary.customRoleFallbacks = fellBack
        return RecommendResult(recommendations: recs, generatedRoles: generated, summary: summary)
    }

    func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    // MARK: - One assignment

    /// A recommendation before replay; generated roles are named after deduplication.
    struct Draft: Sendable {
        var rec: Recommendation
        var uses: [AttributedUse]
        /// The proposed role's sets (nil: remove).
        var proposed: RoleSets?
        /// A generated custom role's content, before it gets its id and name.
        var custom: CustomContent?
        /// With `custom`: the risk-weighted privilege it removes beyond the fallback that needs no
        /// new role (`budgetExcess`), what the custom-role budget ranks roles by.
        var budgetValue = 0
    }

    struct CustomContent: Hashable, Sendable {
        var actions: [String]
        var dataActions: [String]
        var baseRole: String
        var assignableScopes: [Scope]
        var mg: String?
    }

    /// How a role fits what must be kept.
    struct Fit {
        var best: (id: String, excess: [String], weighted: Int)?
        /// Existing custom roles granting exactly what must be kept (their assignable scopes are
        /// checked per proposal).
        var exactCustom: [String] = []
    }

    /// `newRoles` false: no custom role may be generated (over the custom-role budget,
    /// `applyCustomRoleBudget`): an existing role that fits, else the current one.
    func draft(_ a: RoleAssignment, uses: [AttributedUse], judged: Bool, windowStart: Int?, windowEnd: Int?,
               cache: inout [String: Fit], newRoles: Bool = true) -> Draft {
        let kind = evaluator.kind(of: a.principalID, assignmentKind: PrincipalKind.from(a.principalType))
        let current = roleSets[a.roleDefinitionID]
        let roleName = current?.role.roleName ?? ""
        var notes: [String] = []
        let days = Set(uses.map(\.day))
        let usedActions = Set(uses.map(\.action))
        let usedNames = Self.sortedNames(usedActions)
        let evidence = Evidence(usedActions: usedNames, uses: uses.reduce(0) { $0 + $1.count },
                                lastUsed: uses.compactMap(\.lastSeen).max(), daysUsed: days.count,
                                windowDays: options.windowDays, windowEnd: windowEnd, classes: PermissionClasses())
        var rec = Recommendation(
            assignment: a, principalName: evaluator.principal(a.principalID)?.displayName, principalKind: kind,
            currentRole: roleName.isEmpty ? a.roleDefinitionID : roleName,
            proposal: keepProposal(a, current), evidence: evidence,
            replay: Replay(events: 0, denied: 0, notAllowedNow: 0), notes: [], exempt: false, tooNew: false,
            riskRemoved: [], ownerEquivalentRemoved: false, operationsRemoved: 0)
        func kept(_ n: String) -> Draft {
            rec.notes = notes + [n]
            if let current {
                let (c, l) = usedSet(usedActions, current)
                (rec.evidence.permissions, rec.evidence.classes) = permissions(current, proposed: current, usedCatalog: c, usedLiterals: l)
                fillRemoved(&rec, current, current)
            }
            return Draft(rec: rec, uses: uses, proposed: current, custom: nil)
        }
        guard a.state == .active else { return kept("eligible (PIM): reported, not changed") }
        guard let current else { return kept("its role definition `\(a.roleDefinitionID)` is not imported: nothing can be judged") }
        if let rule = exemption(a, roleName: roleName) {
            rec.exempt = true
            return kept("exempt (\(rule)): reported, never changed")
        }
        guard judged, let windowStart else { return kept("no Activity Log is imported") }
        if let why = tooNew(a, current.role, windowStart: windowStart) {
            rec.tooNew = true
            return kept("too new to judge: \(why)")
        }

        let (usedCatalog, usedLiterals) = usedSet(usedActions, current)
        // What must be kept: used, plus the unobservable the role grants (reads, data actions).
        var keepC = usedCatalog
        var keepD = OperationBitSet(count: ops.data.count)
        var keepLitC: [String: String] = [:], keepLitD: [String: String] = [:]
        for (k, v) in usedLiterals { keepLitC[k] = v }
        if options.keepReads {
            keepC.formUnion(current.control.intersection(readMask))
            keepD = current.data
            for (k, v) in current.literalControl where k.hasSuffix("/read") { keepLitC[k] = v }
            for (k, v) in current.literalData { keepLitD[k] = v }
        }
        let observedCount = usedCatalog.cardinality + usedLiterals.count
        let observable = current.control.subtracting(readMask)
        let unusedObservable = observable.subtracting(usedCatalog).cardinality
            + current.literalControl.keys.filter { !$0.hasSuffix("/read") && usedLiterals[$0] == nil }.count
        let bound = max(5, unusedObservable / 4)

        // Scope: the narrowest scopes covering every use (used assignments only).
        var scopes = [a.scope]
        let usedScopes = distinctScopes(uses)
        if observedCount > 0, let narrowed = narrow(a.scope, usedScopes) { scopes = narrowed }
        let scopeNarrowed = scopes != [a.scope]

        let nothingKept = keepC.isEmpty && keepD.isEmpty && keepLitC.isEmpty && keepLitD.isEmpty
        if nothingKept {
            rec.proposal = Proposal(kind: .remove, role: "", roleID: "", generatedRole: false, actions: [], dataActions: [],
                                    notActions: [], notDataActions: [], scopes: [], eligible: false, condition: nil, conditionVersion: nil)
            notes.append(observedCount == 0
                ? "no observable use in the window and nothing unobservable to keep\(options.keepReads ? "" : " (--reads drop)")"
                : "nothing it grants was used")
            rec.notes = notes
            (rec.evidence.permissions, rec.evidence.classes) = permissions(current, proposed: nil, usedCatalog: usedCatalog, usedLiterals: usedLiterals)
            fillRemoved(&rec, current, nil)
            return Draft(rec: rec, uses: uses, proposed: nil, custom: nil)
        }
        let keepsEverything = current.control.isSubset(of: keepC) && current.data.isSubset(of: keepD)
            && current.literalControl.keys.allSatisfy { keepLitC[$0] != nil } && current.literalData.keys.allSatisfy { keepLitD[$0] != nil }
        if observedCount == 0 && keepsEverything {
            return kept("grants only what the Activity Log cannot observe (reads, data actions): kept as unobservable, not unused")
        }

        var proposal = keepProposal(a, current)
        proposal.scopes = scopes
        var proposedSets = current
        var custom: CustomContent?
        var budgetValue = 0
        var roleChanged = false
        if !keepsEverything {
            // A built-in (or an existing custom role) within the risk-weighted excess bound, else a
            // generated custom role with exactly what must be kept.
            let key = fitKey(current.role.id, keepC, keepD, keepLitC, keepLitD)
            let fit: Fit
            if let hit = cache[key] { fit = hit } else {
                fit = bestFit(current, keepC, keepD, keepLitC, keepLitD)
                cache[key] = fit
            }
            let existingCustom = fit.exactCustom.first { roleSets[$0].map { assignable($0.role, at: scopes) } ?? false }
            let customBlocked = customRoleBlocker(current, scopes: scopes, hasData: !keepD.isEmpty || !keepLitD.isEmpty)
            if let cond = a.condition, !conditionCarries(cond, keepC, keepD, keepLitC, keepLitD) {
                notes.append("the assignment's condition is carried over unchanged, though some operations it names are no longer granted")
            }
            if let existing = existingCustom, let sets = roleSets[existing] {
                proposal = roleProposal(.replaceWithCustom, sets, scopes: scopes, a)
                proposedSets = sets
                roleChanged = true
                notes.append("an existing custom role grants exactly what must be kept: reused")
            } else if let best = fit.best, best.weighted <= bound, let sets = roleSets[best.id] {
                proposal = roleProposal(.replaceWithBuiltin, sets, scopes: scopes, a)
                proposedSets = sets
                roleChanged = true
                if !best.excess.isEmpty {
                    notes.append("the built-in also grants \(best.excess.count) unused observable operation\(best.excess.count == 1 ? "" : "s"): \(Self.preview(best.excess))")
                }
            } else if let blocker = customBlocked, !(blocker == Self.dataAtMG && covers(subscriptionsBelow(scopes), usedScopes)) {
                notes.append("no built-in fits and \(blocker): role kept")
            } else if case let n = assignableScopeCount(customBlocked == Self.dataAtMG ? subscriptionsBelow(scopes) : scopes),
                      n > CustomRoleLimits.assignableScopes {
                notes.append("no built-in fits and a custom role for it would need \(n) assignable scopes, more than the \(CustomRoleLimits.assignableScopes) Azure allows (REFERENCE.md §4.1): role kept")
            } else if !newRoles {
                if let sets = budgetFallbackRole(current, fit, keepC, keepD, keepLitC, keepLitD, scopes: scopes) {
                    proposal = roleProposal(sets.role.isCustom ? .replaceWithCustom : .replaceWithBuiltin, sets, scopes: scopes, a)
                    proposedSets = sets
                    roleChanged = true
                }
            } else {
                let fallback = budgetFallbackRole(current, fit, keepC, keepD, keepLitC, keepLitD, scopes: scopes) ?? current
                budgetValue = budgetExcess(fallback, keepC, keepLitC).weighted
                if customBlocked == Self.dataAtMG {
                    scopes = subscriptionsBelow(scopes)
                    notes.append("a custom role with data actions cannot be assigned at a management group: assigned at the \(scopes.count) subscription\(scopes.count == 1 ? "" : "s") below it")
                }
                var content = CustomContent(actions: [], dataActions: [], baseRole: current.role.roleName,
                                            assignableScopes: [], mg: nil)
                content.actions = Self.sortedNames(Set(keepC.indices.map { ops.control[$0].name } + keepLitC.values))
                content.dataActions = Self.sortedNames(Set(keepD.indices.map { ops.data[$0].name } + keepLitD.values))
                var assignable = Set<String>(), display: [String: Scope] = [:]
                for s in scopes {
                    let t = s.subscriptionScope ?? s
                    if t.level == .managementGroup { content.mg = t.key }
                    if assignable.insert(t.key).inserted { display[t.key] = t }
                }
                content.assignableScopes = assignable.sorted().compactMap { display[$0] }
                custom = content
                proposedSets = RoleSets(explicit: RoleDefinition(id: "", resourceID: "", roleName: "", isCustom: true, permissions: [
                    PermissionBlock(actions: content.actions, dataActions: content.dataActions)]),
                    control: keepC, data: keepD, literalControl: keepLitC, literalData: keepLitD)
                proposal = Proposal(kind: .replaceWithCustom, role: "", roleID: "", generatedRole: true,
                                    actions: content.actions, dataActions: content.dataActions, notActions: [], notDataActions: [],
                                    scopes: scopes, eligible: false, condition: a.condition, conditionVersion: a.conditionVersion)
                roleChanged = true
                if let best = fit.best, let name = roleSets[best.id]?.role.roleName {
                    notes.append("closest built-in: \(name), which would also grant \(best.excess.count) unused observable operation\(best.excess.count == 1 ? "" : "s") (\(Self.preview(best.excess)))")
                } else {
                    notes.append("no built-in role grants what must be kept within the current role")
                }
            }
        } else if observedCount > 0 {
            notes.append("every observable operation it grants was used")
        }
        if observedCount == 0 && !newRoles && !roleChanged {
            notes.append("no observable use in the window: it needs only what the Activity Log cannot observe (reads, data actions), unobservable, not unused")
        } else if observedCount == 0 {
            notes.append("no observable use in the window: reduced to what the Activity Log cannot observe (reads, data actions), unobservable, not unused")
        }
        if !roleChanged {
            proposal.kind = scopeNarrowed ? .narrowScope : .keep
        }
        if scopeNarrowed {
            notes.append("every use lies within \(scopes.map(\.display).joined(separator: ", "))")
        }
        // Privileged access used on few days: PIM-eligible, activated when needed.
        if observedCount > 0, kind == .user || kind == .group, options.windowDays >= 14, days.count <= options.eligibleMaxDays,
           let risky = highRisk(proposedSets) {
            proposal.kind = .makeEligible
            proposal.eligible = true
            let list = days.sorted().map(CivilDate.dayString).joined(separator: ", ")
            notes.append("privileged (\(risky)) and used on \(days.count) day\(days.count == 1 ? "" : "s") of \(options.windowDays) (\(list)): hold it as PIM-eligible and activate it when needed")
        }
        rec.proposal = proposal
        rec.notes = notes
        (rec.evidence.permissions, rec.evidence.classes) = permissions(current, proposed: proposedSets, usedCatalog: usedCatalog, usedLiterals: usedLiterals)
        fillRemoved(&rec, current, proposedSets)
        return Draft(rec: rec, uses: uses, proposed: proposedSets, custom: custom, budgetValue: budgetValue)
    }

    func keepProposal(_ a: RoleAssignment, _ current: RoleSets?) -> Proposal {
        guard let current else {
            return Proposal(kind: .keep, role: a.roleDefinitionID, roleID: a.roleDefinitionID, generatedRole: false, actions: [],
                            dataActions: [], notActions: [], notDataActions: [], scopes: [a.scope], eligible: false,
                            condition: a.condition, conditionVersion: a.conditionVersion)
        }
        var p = roleProposal(.keep, current, scopes: [a.scope], a)
        p.kind = .keep
        return p
    }

    func roleProposal(_ kind: ProposalKind, _ sets: RoleSets, scopes: [Scope], _ a: RoleAssignment) -> Proposal {
        let r = sets.role, f = sets.explicitNames ? Self.lists(r, risks: [], privileges: []) : facts(sets)
        return Proposal(kind: kind, role: r.roleName, roleID: r.id, generatedRole: false, actions: f.actions,
                        dataActions: f.dataActions, notActions: f.notActions, notDataActions: f.notDataActions,
                        scopes: scopes, eligible: false, condition: a.condition, conditionVersion: a.conditionVersion)
    }

    /// What the proposals and the summary read of a role, derived once per role (per thread).
    struct RoleFacts {
        var actions: [String], dataActions: [String], notActions: [String], notDataActions: [String]
        /// Per `RiskCatalog.operations` entry: granted.
        var risks: [Bool]
        var privileges: Set<String>
    }

    func facts(_ sets: RoleSets) -> RoleFacts {
        let risks = { RiskCatalog.operations.indices.map { grantsRisk(sets, $0) } }
        // A generated role (listing its operations) has no id of its own yet: its risks derived
        // each time, its lists not needed (its proposal lists its operations itself).
        if sets.explicitNames {
            let r = risks()
            return RoleFacts(actions: [], dataActions: [], notActions: [], notDataActions: [], risks: r, privileges: privileges(sets, risks: r))
        }
        if let hit = factsMemo.value[sets.role.id] { return hit }
        let r = risks()
        let f = Self.lists(sets.role, risks: r, privileges: privileges(sets, risks: r))
        factsMemo.value[sets.role.id] = f
        return f
    }

    static func lists(_ r: RoleDefinition, risks: [Bool], privileges: Set<String>) -> RoleFacts {
        func collect(_ f: (PermissionBlock) -> [String]) -> [String] { sortedNames(Set(r.permissions.flatMap(f))) }
        return RoleFacts(actions: collect(\.actions), dataActions: collect(\.dataActions), notActions: collect(\.notActions),
                         notDataActions: collect(\.notDataActions), risks: risks, privileges: privileges)
    }

    /// The catalog operations and the names outside the catalog that were used and that the role grants.
    func usedSet(_ used: Set<String>, _ role: RoleSets) -> (OperationBitSet, [String: String]) {
        var set = OperationBitSet(count: ops.control.count)
        var lit: [String: String] = [:]
        for name in used {
            if let i = ops.index(of: name, plane: .control) {
                if role.control.contains(i) { set.insert(i) }
            } else if role.grants(name, .control) {
                lit[AzureID.operationKey(name)] = name
            }
        }
        return (set, lit)
    }

    /// Every permission the current role grants, kept by `proposed` or removed, with its class
    /// (REFERENCE.md §3.1: reads and data actions are unobservable), and the counts per class.
    /// Observed operations are always listed on their own; without `permissionDetail` the other
    /// operations a wildcard grants are counted per class under that pattern (an Owner's removed
    /// set is ~24,000 catalog operations: one entry, not 24,000).
    func permissions(_ current: RoleSets, proposed: RoleSets?, usedCatalog: OperationBitSet,
                     usedLiterals: [String: String]) -> ([PermissionEntry], PermissionClasses) {
        let pc = proposed?.control ?? OperationBitSet(count: ops.control.count)
        let pd = proposed?.data ?? OperationBitSet(count: ops.data.count)
        var out: [PermissionEntry] = []
        func single(_ i: Int, _ plane: Plane) {
            let c: PermissionClass = plane == .data ? .unobservable
                : usedCatalog.contains(i) ? .observed : readMask.contains(i) ? .unobservable : .observableUnused
            out.append(PermissionEntry(name: ops.entries(plane)[i].name, isPattern: false, plane: plane, permissionClass: c,
                                       kept: plane == .control ? pc.contains(i) : pd.contains(i), count: 1))
        }
        func group(_ pattern: String, _ plane: Plane, _ c: PermissionClass, kept: Bool, _ n: Int) {
            if n > 0 { out.append(PermissionEntry(name: pattern, isPattern: true, plane: plane, permissionClass: c, kept: kept, count: n)) }
        }
        let observed = usedCatalog.intersection(current.control)
        for i in observed.indices { single(i, .control) }
        if options.permissionDetail {
            for i in current.control.subtracting(observed).indices { single(i, .control) }
            for i in current.data.indices { single(i, .data) }
        } else {
            for g in current.grantGroups {
                if let i = g.index {
                    if g.plane == .data || !observed.contains(i) { single(i, g.plane) }
                    continue
                }
                guard var set = g.set else { continue }
                if g.plane == .control { set.subtract(observed) }
                let kept = set.intersection(g.plane == .control ? pc : pd)
                for (part, k) in [(kept, true), (set.subtracting(kept), false)] {
                    if g.plane == .data {
                        group(g.pattern, .data, .unobservable, kept: k, part.cardinality)
                    } else {
                        let unobservable = part.intersection(readMask).cardinality
                        group(g.pattern, .control, .unobservable, kept: k, unobservable)
                        group(g.pattern, .control, .observableUnused, kept: k, part.cardinality - unobservable)
                    }
                }
            }
        }
        // Names outside the catalog: used ones (granted through a wildcard or literally), and the
        // literal names the role lists.
        for (_, name) in usedLiterals {
            out.append(PermissionEntry(name: name, isPattern: false, plane: .control, permissionClass: .observed,
                                       kept: proposed?.grants(name, .control) ?? false, count: 1))
        }
        for (key, name) in current.literalControl where usedLiterals[key] == nil {
            out.append(PermissionEntry(name: name, isPattern: false, plane: .control,
                                       permissionClass: key.hasSuffix("/read") ? .unobservable : .observableUnused,
                                       kept: proposed?.grants(name, .control) ?? false, count: 1))
        }
        for (_, name) in current.literalData {
            out.append(PermissionEntry(name: name, isPattern: false, plane: .data, permissionClass: .unobservable,
                                       kept: proposed?.grants(name, .data) ?? false, count: 1))
        }
        var c = PermissionClasses()
        for e in out {
            switch (e.permissionClass, e.kept) {
            case (.observed, _): c.observed += e.count
            case (.observableUnused, true): c.observableUnusedKept += e.count
            case (.observableUnused, false): c.observableUnusedRemoved += e.count
            case (.unobservable, true): c.unobservableKept += e.count
            case (.unobservable, false): c.unobservableRemoved += e.count
            }
        }
        return (Self.sortedEntries(out), c)
    }

    /// Kept first, then by class, plane (control first) and name, case-insensitively.
    static func sortedEntries(_ list: [PermissionEntry]) -> [PermissionEntry] {
        list.map { ($0, $0.name.lowercased()) }.sorted { a, b in
            let x = a.0, y = b.0
            if x.kept != y.kept { return x.kept }
            if x.permissionClass != y.permissionClass { return x.permissionClass < y.permissionClass }
            if x.plane != y.plane { return x.plane == .control }
            if a.1 != b.1 { return a.1 < b.1 }
            if x.name != y.name { return x.name < y.name }
            return x.isPattern && !y.isPattern
        }.map(\.0)
    }

    func fillRemoved(_ rec: inout Recommendation, _ current: RoleSets, _ proposed: RoleSets?) {
        let pc = proposed?.control ?? OperationBitSet(count: ops.control.count)
        let pd = proposed?.data ?? OperationBitSet(count: ops.data.count)
        rec.operationsRemoved = current.control.subtracting(pc).cardinality + current.data.subtracting(pd).cardinality
        let before = facts(current), after = proposed.map(facts)
        var risks: [String] = []
        for (k, r) in RiskCatalog.operations.enumerated() where before.risks[k] && !(after?.risks[k] ?? false) {
            risks.append(r.name)
        }
        rec.riskRemoved = risks
        rec.ownerEquivalentRemoved = current.isOwnerLike && !(proposed?.isOwnerLike ?? false)
        rec.privilegesBefore = before.privileges
        rec.privilegesAfter = after?.privileges ?? []
    }

    /// Per `RiskCatalog.operations` entry: a secret or key operation.
    static let isSecretOperation: [Bool] = {
        let words = ["secret", "listkeys", "/keys/", "listaccountsas", "config/list", "credential"]
        return RiskCatalog.operations.map { r in
            let n: String = r.name.lowercased()
            return words.contains { (w: String) -> Bool in n.contains(w) }
        }
    }()

    /// The privileges the summary counts: role-assignment write, Owner-equivalent, secrets and keys
    /// (`risks`: per `RiskCatalog.operations` entry, granted by `s`).
    func privileges(_ s: RoleSets, risks: [Bool]) -> Set<String> {
        var f = Set<String>()
        if grantsOp(s, "Microsoft.Authorization/roleAssignments/write", .control) { f.insert("rbac") }
        if s.isOwnerLike { f.insert("owner") }
        if risks.indices.contains(where: { Self.isSecretOperation[$0] && risks[$0] }) { f.insert("secret") }
        return f
    }

    /// `grantsOp` for the `k`-th risky operation, its catalog index looked up once.
    func grantsRisk(_ s: RoleSets, _ k: Int) -> Bool {
        let r = RiskCatalog.operations[k]
        if let i = riskIndex[k] { return r.plane == .control ? s.control.contains(i) : s.data.contains(i) }
        return s.grants(r.name, r.plane)
    }

    func grantsOp(_ s: RoleSets, _ name: String, _ plane: Plane) -> Bool {
        if let i = ops.index(of: name, plane: plane) { return plane == .control ? s.control.contains(i) : s.data.contains(i) }
        return s.grants(name, plane)
    }

    /// A high-weight risky operation the role grants, if any.
    func highRisk(_ s: RoleSets) -> String? {
        let risks = facts(s).risks
        return RiskCatalog.operations.indices.first { RiskCatalog.operations[$0].weight >= RiskCatalog.highWeight && risks[$0] }
            .map { RiskCatalog.operations[$0].name }
    }

    func exemption(_ a: RoleAssignment, roleName: String) -> String? {
        let e = options.exemptions
        if e.isEmpty { return nil }
        if e.assignments.contains(a.id) { return "assignment" }
        let p = evaluator.principal(a.principalID)
        if e.principals.contains(a.principalID) || (p?.userPrincipalName.map { e.principals.contains($0.lowercased()) } ?? false) {
            return "principal"
        }
        if e.roles.contains(a.roleDefinitionID) || e.roles.contains(roleName.lowercased()) { return "role \(roleName)" }
        if !e.tags.isEmpty {
            for s in hierarchy.ancestors(of: a.scope) {
                guard let tags = tagsByScope[s.key] else { continue }
                for t in e.tags {
                    if let v = tags.first(where: { $0.key.lowercased() == t.name.lowercased() })?.value, t.value == nil || t.value == v {
                        return "tag \(t.text) on \(s.display)"
                    }
                }
            }
        }
        return nil
    }

    /// An assignment or its role definition (custom or built-in) created or changed inside the judged window.
    func tooNew(_ a: RoleAssignment, _ role: RoleDefinition, windowStart: Int) -> String? {
        func day(_ iso: String?) -> Int? {
            guard let iso else { return nil }
            // `YYYY-MM-DD…` read on the bytes (followed by ASCII, so no character spans the tenth
            // byte); any other shape as below.
            let b = iso.utf8.prefix(11)
            if b.count >= 10, b.allSatisfy({ $0 < 0x80 }), Array(b.prefix(10)).enumerated().allSatisfy({ k, c in
                k == 4 || k == 7 ? c == UInt8(ascii: "-") : (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
            }) {
                let n = Array(b.prefix(10)).map { Int($0) - 48 }
                return CivilDate.days(year: n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3], month: n[5] * 10 + n[6], day: n[8] * 10 + n[9])
            }
            guard iso.count >= 10 else { return nil }
            let parts = iso.prefix(10).split(separator: "-")
            guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
            return CivilDate.days(year: y, month: m, day: d)
        }
        let from = CivilDate.dayString(windowStart)
        if let c = day(a.createdOn), c > windowStart { return "assignment created \(CivilDate.dayString(c)), after the usage judged began (\(from))" }
        if let u = day(a.updatedOn), u > windowStart { return "assignment changed \(CivilDate.dayString(u)), after the usage judged began (\(from))" }
        // A built-in role changes too (Microsoft adds operations): what it gained could not be used before.
        if let u = day(role.updatedOn ?? role.createdOn), u > windowStart {
            return "\(role.isCustom ? "custom" : "built-in") role definition \(role.roleName) changed \(CivilDate.dayString(u)), after the usage judged began (\(from))"
        }
        return nil
    }

    // MARK: - Scope narrowing

    /// The narrowest scopes (at most `maxScopes`, never below `minScope`) strictly below `current`
    /// that cover every use, or nil when the current scope is already that narrow.
    func narrow(_ current: Scope, _ used: [Scope]) -> [Scope]? {
        guard !used.isEmpty else { return nil }
        func cover(_ s: Scope) -> Scope {
            if let hit = coverMemo.value[s.key] { return hit }
            let c: Scope
            switch options.minScope {
            case .resource: c = s
            case .resourceGroup: c = s.resourceGroupScope ?? s
            default: c = s.subscriptionScope ?? s
            }
            coverMemo.value[s.key] = c
            return c
        }
        func up(_ s: Scope) -> Scope? {
            if let hit = upMemo.value[s.key] { return hit }
            let u = parent(s)
            upMemo.value[s.key] = .some(u)
            return u
        }
        func parent(_ s: Scope) -> Scope? {
            switch s.level {
            case .resource: return s.resourceGroupScope ?? s.subscriptionScope
            case .resourceGroup: return s.subscriptionScope
            case .subscription:
                guard let sub = s.subscriptionID, let mg = hierarchy.subscriptionParent[sub] else { return nil }
                return Scope("/providers/Microsoft.Management/managementGroups/\(hierarchy.mgName[mg] ?? mg)")
            case .managementGroup:
                guard let name = s.managementGroupName?.lowercased(), let mg = hierarchy.mgParent[name] else { return nil }
                return Scope("/providers/Microsoft.Management/managementGroups/\(hierarchy.mgName[mg] ?? mg)")
            case .root: return nil
            }
        }
        var covers = minimal(Set(used.map(cover)))
        while covers.count > options.maxScopes {
            var next = Set<Scope>()
            for c in covers { guard let u = up(c) else { return nil }; next.insert(u) }
            covers = minimal(next)
        }
        if covers.isEmpty { return nil }
        for c in covers {
            if c.key == current.key { return nil }
            guard ancestors(c).contains(where: { $0.key == current.key }) else { return nil }
        }
        return covers.sorted()
    }

    /// The distinct scopes of the uses (by key, first spelling), sorted.
    func distinctScopes(_ uses: [AttributedUse]) -> [Scope] {
        var seen = Set<String>(), list: [Scope] = []
        for u in uses where seen.insert(u.scope.key).inserted { list.append(u.scope) }
        return list.sorted()
    }

    /// The scopes none of whose ancestors is in the set (in no particular order).
    func minimal(_ set: Set<Scope>) -> [Scope] {
        if set.count == 1 { return Array(set) }
        // The ancestors of a resource group (`ScopeHierarchy.ancestors`) are its subscription, then
        // management groups and `/`; a subscription's, management groups and `/`. So in a set of
        // resource groups and subscriptions only, a resource group goes when its subscription is in.
        var subscriptions = false
        if set.allSatisfy({ s in
            let l = s.level
            if l == .subscription { subscriptions = true }
            return l == .resourceGroup || l == .subscription
        }) {
            if !subscriptions { return Array(set) }
            return Array(set.filter { s in
                s.level == .subscription || !set.contains(ancestors(s).dropFirst().first ?? s)
            })
        }
        // (A cycle in bad hierarchy data can bring a scope back among its own ancestors.)
        return Array(set.filter { s in !ancestors(s).contains { $0.key != s.key && set.contains($0) } })
    }

    /// `hierarchy.ancestors(of:)`, memoized by key for the run.
    func ancestors(_ s: Scope) -> [Scope] {
        if let hit = ancestorMemo.value[s.key] { return hit }
        let chain = hierarchy.ancestors(of: s)
        ancestorMemo.value[s.key] = chain
        return chain
    }

    // MARK: - Role fit

    func fitKey(_ role: String, _ c: OperationBitSet, _ d: OperationBitSet, _ lc: [String: String], _ ld: [String: String]) -> String {
        role + "|" + c.words.map { String($0, radix: 16) }.joined(separator: ",") + "|" + d.words.map { String($0, radix: 16) }.joined(separator: ",")
            + "|" + lc.keys.sorted().joined(separator: ",") + "|" + ld.keys.sorted().joined(separator: ",")
    }

    /// The roles (other than the current one, without role conditions) that grant nothing the
    /// current role does not: the candidates for every proposal on that role.
    func candidates(within current: RoleSets) -> [String] {
        if let hit = withinCache.value[current.role.id] { return hit }
        let list = roleOrder.filter { id in
            guard id != current.role.id, let c = roleSets[id], !c.hasCondition else { return false }
            return PatternAlgebra.isWithin(c, current)
        }
        withinCache.value[current.role.id] = list
        return list
    }

    func bestFit(_ current: RoleSets, _ kc: OperationBitSet, _ kd: OperationBitSet, _ lc: [String: String], _ ld: [String: String]) -> Fit {
        var fit = Fit()
        var bestKey: (Int, Int, Int, String)?
        for id in candidates(within: current) {
            guard let c = roleSets[id] else { continue }
            guard kc.isSubset(of: c.control), kd.isSubset(of: c.data) else { continue }
            guard lc.values.allSatisfy({ c.grants($0, .control) }), ld.values.allSatisfy({ c.grants($0, .data) }) else { continue }
            let excessSet = c.control.subtracting(kc).subtracting(readMask)
            var excess = excessSet.indices.map { ops.control[$0].name }
            excess += c.literalControl.filter { !$0.key.hasSuffix("/read") && lc[$0.key] == nil }.map(\.value)
            if c.role.isCustom {
                // Reused only when it grants exactly what must be kept and can be assigned there.
                let exact = c.control == kc && c.data == kd && Set(c.literalControl.keys) == Set(lc.keys) && Set(c.literalData.keys) == Set(ld.keys)
                if exact { fit.exactCustom.append(id) }
                continue
            }
            let weighted = excess.reduce(0) { $0 + RiskCatalog.weight(of: $1, plane: .control) }
            let key = (weighted, excess.count, c.control.cardinality + c.data.cardinality, c.role.roleName.lowercased())
            if bestKey.map({ key < $0 }) ?? true {
                bestKey = key
                fit.best = (id, Self.sortedNames(Set(excess)), weighted)
            }
        }
        return fit
    }

    func assignable(_ role: RoleDefinition, at scopes: [Scope]) -> Bool {
        let allowed = Set(role.assignableScopes.map(\.key))
        return scopes.allSatisfy { s in ancestors(s).contains { allowed.contains($0.key) } }
    }

    /// Every used scope lies at or below one of `scopes` (and there is at least one scope).
    func covers(_ scopes: [Scope], _ used: [Scope]) -> Bool {
        let keys = Set(scopes.map(\.key))
        return !scopes.isEmpty && used.allSatisfy { u in ancestors(u).contains { keys.contains($0.key) } }
    }

    /// The assignable scopes a generated role holding these scopes lists: their subscriptions
    /// (or the management group itself).
    func assignableScopeCount(_ scopes: [Scope]) -> Int {
        Set(scopes.map { ($0.subscriptionScope ?? $0).key }).count
    }

    static let dataAtMG = "a custom role with data actions cannot be assigned at a management group"

    /// The subscriptions (known to the hierarchy) below the given management-group scopes, and the
    /// other scopes as they are.
    func subscriptionsBelow(_ scopes: [Scope]) -> [Scope] {
        var out = Set<Scope>()
        for s in scopes {
            guard s.level == .managementGroup else { out.insert(s); continue }
            for sub in subscriptionsUnder[s.key] ?? [] { out.insert(sub) }
        }
        return out.sorted()
    }

    /// Why a custom role cannot hold the proposal (REFERENCE.md §4.2), if it cannot.
    func customRoleBlocker(_ current: RoleSets, scopes: [Scope], hasData: Bool) -> String? {
        if current.hasCondition { return "the current role carries a role condition, which a custom role cannot (read-only, REFERENCE.md §4.2)" }
        if scopes.contains(where: { $0.level == .root }) { return "a custom role cannot be assigned at `/`" }
        let mgs = Set(scopes.filter { $0.level == .managementGroup }.map(\.key))
        if mgs.count > 1 { return "a custom role may name only one management group" }
        if hasData && !mgs.isEmpty { return Self.dataAtMG }
        return nil
    }

    /// The assignment's condition still means something on the trimmed role: each operation its
    /// `ActionMatches{...}` clauses name matches something kept (REFERENCE.md §2.6).
    func conditionCarries(_ condition: String, _ kc: OperationBitSet, _ kd: OperationBitSet, _ lc: [String: String], _ ld: [String: String]) -> Bool {
        let patterns = Self.actionMatches(condition)
        var names: [[UInt8]] = kc.indices.map { ops.control[$0].key }
        names += kd.indices.map { ops.data[$0].key }
        names += lc.keys.map { Array($0.utf8) }
        names += ld.keys.map { Array($0.utf8) }
        return patterns.allSatisfy { p in
            let pattern = ActionPattern(p)
            return names.contains { pattern.matches(lowercasedUTF8: $0) }
        }
    }

    static func actionMatches(_ condition: String) -> [String] {
        var out: [String] = []
        let bytes = Array(condition.lowercased().utf8), needle = Array("actionmatches{".utf8)
        var i = 0
        while i + needle.count <= bytes.count {
            guard Array(bytes[i..<(i + needle.count)]) == needle else { i += 1; continue }
            i += needle.count
            var end = i
            while end < bytes.count && bytes[end] != UInt8(ascii: "}") { end += 1 }
            let inner = String(decoding: bytes[i..<end], as: UTF8.self)
            for (k, part) in inner.split(separator: "'", omittingEmptySubsequences: false).enumerated() where k % 2 == 1 && !part.isEmpty {
                out.append(String(part))
            }
            i = end
        }
        return out
    }

    /// Case-insensitively, then by spelling (each name lower-cased once).
    static func sortedNames(_ s: Set<String>) -> [String] {
        s.map { ($0.lowercased(), $0) }.sorted { $0 < $1 }.map(\.1)
    }

    static func preview(_ names: [String], limit: Int = 3) -> String {
        let head = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? head + ", and \(names.count - limit) more" : head
    }

    // MARK: - Summary

    func summarize(_ recs: [Recommendation], generated: Int, notes: [String]) -> RecommendSummary {
        var byKind: [ProposalKind: Int] = [:]
        for k in ProposalKind.allCases { byKind[k] = 0 }
        var removed = 0, events = 0, denied = 0
        var permissions = PermissionClasses()
        // Per principal: whether it held the privilege before and keeps it after (active only).
        var before: [String: Set<String>] = [:], after: [String: Set<String>] = [:]
        for r in recs {
            byKind[r.proposal.kind, default: 0] += 1
            removed += r.operationsRemoved
            let c = r.evidence.classes
            permissions.observed += c.observed
            permissions.observableUnusedKept += c.observableUnusedKept
            permissions.observableUnusedRemoved += c.observableUnusedRemoved
            permissions.unobservableKept += c.unobservableKept
            permissions.unobservableRemoved += c.unobservableRemoved
            events += r.replay.events
            denied += r.replay.denied
            guard r.assignment.state == .active else { continue }
            before[r.assignment.principalID, default: []].formUnion(r.privilegesBefore)
            after[r.assignment.principalID, default: []].formUnion(r.privilegesAfter)
        }
        func losing(_ flag: String) -> Int { before.filter { $0.value.contains(flag) && !(after[$0.key]?.contains(flag) ?? false) }.count }
        return RecommendSummary(
            reviewed: recs.count, byKind: byKind, operationsRemoved: removed,
            principalsLosingRoleAssignmentWrite: losing("rbac"), principalsLosingOwnerEquivalent: losing("owner"),
            principalsLosingSecretAccess: losing("secret"),
            exempt: recs.filter(\.exempt).count, tooNew: recs.filter(\.tooNew).count,
            eligibleReported: recs.filter { $0.assignment.state == .eligible }.count,
            generatedRoles: generated, replayEvents: events, replayDenied: denied, permissions: permissions, notes: notes)
    }
}
