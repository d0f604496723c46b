import Foundation
import ScopedownCore
import ScopedownTestSupport
import Testing

/// The indexed `Evaluator` against the `ReferenceEvaluator` (a direct transcription of
/// REFERENCE.md §2) on seeded random tenants. A disagreement is written to
/// fixtures/differential/<seed>.json and fails the test.
@Suite("Evaluator differential")
struct EvaluatorDifferentialTests {
    @Test("agrees with the reference evaluator on random tenants")
    func randomTenants() throws {
        let cases = RandomCases.count(default: 1_000)
        var failures: [String] = []
        var seen: [String: Int] = [:]
        var whoCanHolders = 0
        for n in 0..<cases {
            if failures.count >= 5 { break }
            let seed = UInt64(0x5C0_9ED0) &+ UInt64(n)
            let tenant = RandomTenant.make(seed: seed)
            var rng = SeededGenerator(seed: seed ^ 0xFEED)
            let includeEligible = Bool.random(using: &rng)
            let evaluator = Evaluator(snapshot: tenant.snapshot, options: EvaluationOptions(includeEligible: includeEligible))
            let reference = ReferenceEvaluator(snapshot: tenant.snapshot, includeEligible: includeEligible)
            // Prepared decisions share their queries and the principals' groups across the tenant's
            // requests, as the rules do.
            var queries: [String: OperationQuery] = [:]
            var groups = MembershipCache()
            for _ in 0..<8 {
                var principal = tenant.principals[Int.random(in: 0..<tenant.principals.count, using: &rng)]
                var scope = tenant.scopes[Int.random(in: 0..<tenant.scopes.count, using: &rng)]
                // Bias toward queries that meet an assignment: its principal (or a member of its
                // group) at its scope or below.
                let assignments = tenant.snapshot.roleAssignments
                if !assignments.isEmpty, Int.random(in: 0..<10, using: &rng) < 6 {
                    let a = assignments[Int.random(in: 0..<assignments.count, using: &rng)]
                    principal = a.principalID
                    let members = tenant.snapshot.memberships.filter { $0.groupID == a.principalID }
                    if !members.isEmpty, Bool.random(using: &rng) {
                        principal = members[Int.random(in: 0..<members.count, using: &rng)].memberID
                    }
                    let below = tenant.scopes.filter { $0.isLexicallyWithin(a.scope) }
                    if !below.isEmpty { scope = below[Int.random(in: 0..<below.count, using: &rng)] }
                }
                var op = tenant.operations[Int.random(in: 0..<tenant.operations.count, using: &rng)]
                if Bool.random(using: &rng) { op = op.uppercased() }
                let plane: Plane = Bool.random(using: &rng) ? .control : .data

                let expected = reference.decide(principal: principal, operation: op, plane: plane, scope: scope)
                let decision = evaluator.decide(principal: principal, operation: op, scope: scope, plane: plane)
                var query = queries[op + "|" + plane.rawValue] ?? evaluator.decisionQuery(operation: op, plane: plane)
                let viaQuery = evaluator.decide(principal: principal, scope: scope, ancestors: evaluator.ancestorIDs(of: scope),
                                                query: &query, cache: &groups)
                let verdict = evaluator.allows(principal: principal, scope: scope, ancestors: evaluator.ancestorIDs(of: scope),
                                               query: &query, cache: &groups)
                queries[op + "|" + plane.rawValue] = query
                if viaQuery != decision {
                    failures.append("seed \(seed): the prepared decision differs for \(principal) \(op) \(plane) \(scope)")
                }
                if verdict.allowed != (decision.outcome == .allowed) || verdict.conditional != decision.conditional {
                    failures.append("seed \(seed): allows \(verdict) differs from the decision \(decision.outcome)/\(decision.conditional) for \(principal) \(op) \(plane) \(scope)")
                }
                let actual = ReferenceEvaluator.Result(outcome: decision.outcome, conditional: decision.conditional,
                                                       granting: Set(decision.grantingAssignmentIDs))
                let fast = Set(evaluator.grantingAssignments(principal: principal, operation: op, scope: scope, plane: plane)
                    .map(\.assignmentID))
                seen["\(expected.outcome)/\(expected.conditional)", default: 0] += 1
                let prepared = Set(evaluator.grantingAssignments(principal: principal, scope: scope,
                                                                 query: evaluator.prepare(operation: op, plane: plane))
                    .map(\.assignmentID))
                if actual != expected || fast != expected.granting || prepared != expected.granting {
                    let query: [String: Any] = [
                        "principal": principal, "operation": op, "plane": plane.rawValue, "scope": scope.display,
                        "includeEligible": includeEligible, "expected": expected.description,
                        "actual": actual.description, "grantingAssignments": fast.sorted(),
                    ]
                    let url = SharedData.fixture("differential/\(seed).json")
                    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try SnapshotJSON.data(tenant.snapshot, query: query).write(to: url)
                    failures.append("seed \(seed): \(principal) \(op) \(plane) \(scope): expected \(expected), got \(actual), fast \(fast.sorted())")
                    break
                }
            }
            // Effective permissions: every catalog operation, decided one by one by the reference
            // (every fourth tenant: it is the costly check).
            if n % 4 == 0 {
                let principal = tenant.principals[Int.random(in: 0..<tenant.principals.count, using: &rng)]
                let scope = tenant.scopes[Int.random(in: 0..<tenant.scopes.count, using: &rng)]
                if let mismatch = Self.effectiveMismatch(evaluator: evaluator, reference: reference, principal: principal, scope: scope) {
                    failures.append("seed \(seed): \(mismatch)")
                    let url = SharedData.fixture("differential/\(seed).json")
                    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try SnapshotJSON.data(tenant.snapshot, query: ["effective": principal, "scope": scope.display]).write(to: url)
                }
            }
            // Who can: exactly the principals and groups the reference allows, with the same
            // conditional flag (every fourth tenant).
            if n % 4 == 2 {
                let op = tenant.operations[Int.random(in: 0..<tenant.operations.count, using: &rng)]
                let plane: Plane = Bool.random(using: &rng) ? .control : .data
                let scope = tenant.scopes[Int.random(in: 0..<tenant.scopes.count, using: &rng)]
                let holders = evaluator.whoCan(operation: op, scope: scope, plane: plane)
                if evaluator.whoCan(operation: op, scope: scope, plane: plane, cache: &groups) != holders {
                    failures.append("seed \(seed): who-can with a membership cache differs for \(op) at \(scope)")
                }
                whoCanHolders += holders.principals.count + holders.groups.count
                if let mismatch = Self.whoCanMismatch(evaluator: evaluator, reference: reference, principals: tenant.principals,
                                                      operation: op, plane: plane, scope: scope) {
                    failures.append("seed \(seed): \(mismatch)")
                    let url = SharedData.fixture("differential/\(seed).json")
                    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try SnapshotJSON.data(tenant.snapshot, query: ["whoCan": op, "plane": plane.rawValue, "scope": scope.display,
                                                                   "includeEligible": includeEligible, "principals": tenant.principals]).write(to: url)
                }
            }
            // Blast radius: every scope of the principal's assignments, each risky operation
            // held there exactly when the reference allows it (every fourth tenant).
            let principal = tenant.principals[Int.random(in: 0..<tenant.principals.count, using: &rng)]
            if n % 4 != 1 { continue }
            let risks = tenant.operations.prefix(12).enumerated().map {
                RiskyOperation(name: $1, plane: $0 % 3 == 0 ? .data : .control, risk: "test")
            }
            let blast = evaluator.blastRadius(principal: principal, risks: risks)
            // Without the subscriptions below each group, the same answer otherwise.
            let bare = blast.map { b -> Evaluator.BlastScope in var b = b; b.subscriptions = []; return b }
            if evaluator.blastRadius(principal: principal, risks: risks, subscriptionsBelow: false) != bare {
                failures.append("seed \(seed): blast radius of \(principal) differs without the subscriptions below")
            }
            // One cache for every principal of the tenant gives each the answer it gets alone;
            // `onlyWhereGranted` keeps exactly the holdings granted at their own scope; `holds` is
            // the holding at one scope.
            var blastCache = BlastRadiusCache()
            for p in tenant.principals + [principal] {
                let alone = evaluator.blastRadius(principal: p, risks: risks, subscriptionsBelow: false)
                if evaluator.blastRadius(principal: p, risks: risks, subscriptionsBelow: false, cache: &blastCache) != alone {
                    failures.append("seed \(seed): blast radius of \(p) differs with a shared cache")
                }
                let granted = alone.map { b -> Evaluator.BlastScope in
                    var b = b
                    b.risky = b.risky.filter { r in r.grants.contains { Scope($0.scope).key == b.scope.key } }
                    return b
                }
                if evaluator.blastRadius(principal: p, risks: risks, subscriptionsBelow: false, onlyWhereGranted: true,
                                         cache: &blastCache) != granted {
                    failures.append("seed \(seed): blast radius of \(p) where granted differs from the full one filtered")
                }
                // `listed`: only where an accepted assignment granting it sits, judged as before.
                let accepted = Set(tenant.snapshot.roleAssignments.indices.filter { $0 % 2 == 0 }.map { tenant.snapshot.roleAssignments[$0].id })
                let listedOnly = granted.map { b -> Evaluator.BlastScope in
                    var b = b
                    b.risky = b.risky.filter { r in r.grants.contains { Scope($0.scope).key == b.scope.key && accepted.contains($0.assignmentID) } }
                    return b
                }
                if evaluator.blastRadius(principal: p, risks: risks, subscriptionsBelow: false, onlyWhereGranted: true,
                                         listed: { $0 % 2 == 0 }, cache: &blastCache) != listedOnly {
                    failures.append("seed \(seed): blast radius of \(p) listed where accepted grants sit differs from the full one filtered")
                }
                for b in alone {
                    for r in risks where evaluator.holds(principal: p, risk: r, scope: b.scope, cache: &blastCache) != b.risky.contains(where: { $0.operation == r }) {
                        failures.append("seed \(seed): holds(\(p), \(r.name), \(b.scope)) disagrees with the blast radius")
                    }
                }
            }
            for b in blast {
                for r in risks {
                    let ref = reference.decide(principal: principal, operation: r.name, plane: r.plane, scope: b.scope)
                    let held = b.risky.first { $0.operation == r }
                    if (ref.outcome == .allowed) != (held != nil) || (held != nil && held?.conditional != ref.conditional) {
                        failures.append("seed \(seed): blast radius of \(principal) at \(b.scope) for \(r.name): reference \(ref), got \(String(describing: held))")
                        let url = SharedData.fixture("differential/\(seed).json")
                        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                        try SnapshotJSON.data(tenant.snapshot, query: ["blastRadius": principal, "operation": r.name,
                                                                       "scope": b.scope.display]).write(to: url)
                    }
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // Every outcome is exercised, conditional grants included.
        #expect(seen["allowed/false", default: 0] > cases / 20)
        #expect(seen["allowed/true", default: 0] > cases / 100)
        #expect(seen["denied/false", default: 0] > cases / 100)
        #expect(seen["notGranted/false", default: 0] > cases / 20)
        #expect(whoCanHolders > cases / 20, "who-can found holders in enough tenants")
        if ProcessInfo.processInfo.environment["SCOPEDOWN_DIFF_STATS"] != nil { print(seen.sorted { $0.key < $1.key }) }
    }

    /// `whoCan` against the reference deciding for every principal and group the tenant names;
    /// nil when they agree (holders and their conditional flags).
    static func whoCanMismatch(evaluator: Evaluator, reference: ReferenceEvaluator, principals: [String],
                               operation: String, plane: Plane, scope: Scope) -> String? {
        let s = evaluator.snapshot
        let everyone = Set(principals.map(AzureID.guidKey) + s.principals.map { AzureID.guidKey($0.id) } + s.roleAssignments.map { AzureID.guidKey($0.principalID) }
            + s.memberships.flatMap { [AzureID.guidKey($0.groupID), AzureID.guidKey($0.memberID)] })
        var expected: [String: Bool] = [:]
        for id in everyone {
            let r = reference.decide(principal: id, operation: operation, plane: plane, scope: scope)
            if r.outcome == .allowed { expected[id] = r.conditional }
        }
        let result = evaluator.whoCan(operation: operation, scope: scope, plane: plane)
        var actual: [String: Bool] = [:]
        for h in result.principals + result.groups { actual[AzureID.guidKey(h.id)] = h.decision.conditional }
        if expected == actual { return nil }
        return "who-can \(operation) \(plane) at \(scope): reference \(expected.sorted { $0.key < $1.key }), got \(actual.sorted { $0.key < $1.key })"
    }

    /// `effective` against the reference deciding every catalog operation (and every literal name
    /// a role uses outside the catalog) one by one; nil when they agree.
    static func effectiveMismatch(evaluator: Evaluator, reference: ReferenceEvaluator, principal: String, scope: Scope) -> String? {
        let snapshot = reference.snapshot
        let access = evaluator.effective(principal: principal, scope: scope)
        var held: [Plane: Set<String>] = [.control: [], .data: []], denied = Set<String>(), outside = Set<String>()
        for op in snapshot.operations {
            let plane: Plane = op.isDataAction ? .data : .control
            let r = reference.decide(principal: principal, operation: op.name, plane: plane, scope: scope)
            if r.granting.isEmpty { continue }
            if r.outcome == .denied { denied.insert(op.key) } else { held[plane]?.insert(op.key) }
        }
        // Literal names outside the catalog (in their plane) are granted too, so they can be denied.
        let catalogued = Set(snapshot.operations.map { "\($0.key)|\($0.isDataAction)" })
        for role in snapshot.roleDefinitions {
            for block in role.permissions {
                for (plane, list) in [(Plane.control, block.actions), (.data, block.dataActions)] {
                    for name in list where !name.contains("*") && !catalogued.contains("\(name.lowercased())|\(plane == .data)") {
                        let r = reference.decide(principal: principal, operation: name, plane: plane, scope: scope)
                        if !r.granting.isEmpty { outside.insert("\(name.lowercased())|\(plane.rawValue)|\(r.outcome == .denied)") }
                    }
                }
            }
        }
        let got: [Plane: Set<String>] = [.control: Set(access.actions.map { $0.lowercased() }),
                                         .data: Set(access.dataActions.map { $0.lowercased() })]
        let gotDenied = Set(access.denied.map { $0.lowercased() })
        let gotOutside = Set(access.uncatalogued.map { "\($0.name.lowercased())|\($0.plane.rawValue)|\($0.denied)" })
        if got == held && gotDenied == denied && gotOutside == outside { return nil }
        return "effective of \(principal) at \(scope): expected \(held) denied \(denied) uncatalogued \(outside), got \(got) denied \(gotDenied) uncatalogued \(gotOutside)"
    }

    @Test("saved differential fixtures replay and agree")
    func replayFixtures() throws {
        let dir = SharedData.fixture("differential")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        #expect(!files.isEmpty, "fixtures/differential holds at least the example fixture")
        for f in files {
            let (snapshot, q) = try SnapshotJSON.load(Data(contentsOf: dir.appendingPathComponent(f)))
            if let principal = q["effective"] as? String, let scope = q["scope"] as? String {
                let mismatch = Self.effectiveMismatch(evaluator: Evaluator(snapshot: snapshot), reference: ReferenceEvaluator(snapshot: snapshot),
                                                      principal: principal, scope: Scope(scope))
                #expect(mismatch == nil, "\(f): \(mismatch ?? "")")
                continue
            }
            if let op = q["whoCan"] as? String, let scope = q["scope"] as? String {
                let eligible = q["includeEligible"] as? Bool ?? false
                let mismatch = Self.whoCanMismatch(evaluator: Evaluator(snapshot: snapshot, options: EvaluationOptions(includeEligible: eligible)),
                                                   reference: ReferenceEvaluator(snapshot: snapshot, includeEligible: eligible),
                                                   principals: q["principals"] as? [String] ?? [], operation: op,
                                                   plane: Plane(rawValue: q["plane"] as? String ?? "control") ?? .control, scope: Scope(scope))
                #expect(mismatch == nil, "\(f): \(mismatch ?? "")")
                continue
            }
            guard let principal = q["principal"] as? String, let op = q["operation"] as? String,
                  let scope = q["scope"] as? String else { continue }
            let plane = Plane(rawValue: q["plane"] as? String ?? "control") ?? .control
            let eligible = q["includeEligible"] as? Bool ?? false
            let expected = ReferenceEvaluator(snapshot: snapshot, includeEligible: eligible)
                .decide(principal: principal, operation: op, plane: plane, scope: Scope(scope))
            let d = Evaluator(snapshot: snapshot, options: EvaluationOptions(includeEligible: eligible))
                .decide(principal: principal, operation: op, scope: Scope(scope), plane: plane)
            #expect(ReferenceEvaluator.Result(outcome: d.outcome, conditional: d.conditional,
                                              granting: Set(d.grantingAssignmentIDs)) == expected, "\(f)")
            if let outcome = q["expectedOutcome"] as? String { #expect(d.outcome.rawValue == outcome, "\(f)") }
        }
    }

    @Test("the reference matcher agrees with ActionPattern")
    func matcherAgreement() {
        var rng = SeededGenerator(seed: 42)
        let alphabet: [Character] = ["a", "B", "/", "*", "c"]
        for _ in 0..<RandomCases.count(default: 2_000) {
            let p = String((0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet[Int.random(in: 0..<5, using: &rng)] })
            let s = String((0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet[Int.random(in: 0..<3, using: &rng)] }
                + ["c"])
            #expect(ActionPattern(p).matches(s) == ReferenceEvaluator.matches(p, s), "pattern `\(p)` on `\(s)`")
        }
    }
}

/// Hostile or malformed strings anywhere (patterns, conditions, scopes, ids, operation names)
/// never crash the evaluator.
@Suite("Evaluator robustness")
struct EvaluatorRobustnessTests {
    @Test("random strings in every field are evaluated without crashing")
    func randomStrings() {
        var rng = SeededGenerator(seed: 7)
        let alphabet = Array("/*aB{}'\"() \u{0}\u{1B}é-providersubscriptionsresourceGroupsmanagementGroupsMicrosoft.Management")
        func junk(_ max: Int = 40) -> String {
            String((0..<Int.random(in: 0...max, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
        }
        for _ in 0..<RandomCases.count(default: 200) {
            let block = PermissionBlock(actions: [junk(), junk()], notActions: [junk()], dataActions: [junk()],
                                        notDataActions: [junk()], condition: "ActionMatches{'\(junk())" + junk())
            let snapshot = AuthorizationSnapshot(
                roleDefinitions: [RoleDefinition(id: junk(), resourceID: junk(), roleName: junk(), isCustom: true, permissions: [block])],
                roleAssignments: [RoleAssignment(id: junk(), resourceID: junk(), scope: Scope(junk()), roleDefinitionID: junk(),
                                                 principalID: junk(), principalType: junk(), condition: junk())],
                denyAssignments: [DenyAssignment(id: junk(), resourceID: junk(), name: junk(), scope: Scope(junk()), permissions: [block],
                                                 principals: [PrincipalReference(id: junk(), type: junk())])],
                principals: [Principal(id: junk(), kind: .user, displayName: junk())],
                memberships: [GroupMembership(groupID: junk(), memberID: junk()), GroupMembership(groupID: junk(), memberID: junk())],
                managementGroups: [ManagementGroup(name: junk(), displayName: junk(), parentName: junk())],
                subscriptions: [Subscription(id: junk(), displayName: junk(), managementGroupID: junk())],
                operations: [CatalogOperation(name: junk(), isDataAction: Bool.random(using: &rng))])
            let e = Evaluator(snapshot: snapshot)
            let scope = Scope(junk())
            _ = e.decide(principal: junk(), operation: junk(), scope: scope)
            _ = e.effective(principal: junk(), scope: scope)
            _ = e.whoCan(operation: junk(), scope: scope)
            _ = e.blastRadius(principal: junk())
            _ = e.grantingAssignments(principal: junk(), operation: junk(), scope: scope)
            _ = e.resolvePrincipal(junk())
        }
    }
}
