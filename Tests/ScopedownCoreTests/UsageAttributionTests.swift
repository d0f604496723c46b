import ScopedownCore
import Testing

/// A tenant built for the attribution rules: management groups contoso > platform, subscription
/// `sub` under platform, resource group `rg-app` with a VM and one of its extensions; alice (a user
/// with a UPN), bob (in group team, which is in group ops), app (a service principal).
enum AttributionTenant {
    static func id(_ p: String, _ n: Int) -> String { "\(p)-0000-4000-8000-00000000000\(n)" }
    static let alice = id("05050505", 1), bob = id("05050505", 2), app = id("05050505", 3)
    static let team = id("06060606", 1), ops = id("06060606", 2)
    static let subID = "11111111-0000-4000-8000-000000000001"
    static let contoso = Scope("/providers/Microsoft.Management/managementGroups/contoso")
    static let sub = Scope("/subscriptions/\(subID)")
    static let rg = Scope(sub.display + "/resourceGroups/rg-app")
    static let rgOther = Scope(sub.display + "/resourceGroups/rg-other")
    static let vm = Scope(rg.display + "/providers/Microsoft.Compute/virtualMachines/vm-1")
    static let vmExtension = Scope(vm.display + "/extensions/ext-1")
    static let vmWrite = "Microsoft.Compute/virtualMachines/write"
    static let raWrite = "Microsoft.Authorization/roleAssignments/write"
    static let listKeys = "Microsoft.Storage/storageAccounts/listKeys/action"

    static func role(_ n: Int, _ name: String, _ actions: [String]) -> RoleDefinition {
        RoleDefinition(id: id("08080808", n), resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(id("08080808", n))",
                       roleName: name, isCustom: false, permissions: [PermissionBlock(actions: actions)], assignableScopes: [.root])
    }
    static let owner = role(1, "Owner", ["*"])
    static let vmOps = role(2, "VM Ops", ["Microsoft.Compute/virtualMachines/start/action", vmWrite])
    static let storageWriter = role(3, "Storage Writer", ["Microsoft.Storage/storageAccounts/write"])

    static func assignment(_ n: Int, _ principal: String, _ role: RoleDefinition, _ scope: Scope,
                           state: AssignmentState = .active) -> RoleAssignment {
        RoleAssignment(id: id("0a0a0a0a", n), resourceID: "\(scope.display)/providers/Microsoft.Authorization/roleAssignments/\(id("0a0a0a0a", n))",
                       scope: scope, roleDefinitionID: role.id, principalID: principal, principalType: "User", state: state)
    }
    /// alice: VM Ops at the resource group.
    static let a1 = assignment(1, alice, vmOps, rg)
    /// group ops: VM Ops at the subscription (bob through team, transitively).
    static let a2 = assignment(2, ops, vmOps, sub)
    /// app: Owner at the management group above the subscription's own.
    static let a3 = assignment(3, app, owner, contoso)
    /// alice: Storage Writer at the subscription (grants no VM write).
    static let a4 = assignment(4, alice, storageWriter, sub)
    /// alice: Owner at the resource group, PIM-eligible.
    static let a5 = assignment(5, alice, owner, rg, state: .eligible)

    static let evaluatorDefault = evaluator(EvaluationOptions())
    static let evaluatorEligible = evaluator(EvaluationOptions(includeEligible: true))

    static func evaluator(_ options: EvaluationOptions) -> Evaluator {
        Evaluator(snapshot: AuthorizationSnapshot(
            roleDefinitions: [owner, vmOps, storageWriter], roleAssignments: [a1, a2, a3, a4, a5],
            principals: [Principal(id: alice, kind: .user, displayName: "Alice", userPrincipalName: "Alice@Contoso.example"),
                         Principal(id: bob, kind: .user, displayName: "Bob"),
                         Principal(id: app, kind: .servicePrincipal, displayName: "app"),
                         Principal(id: team, kind: .group, displayName: "team"),
                         Principal(id: ops, kind: .group, displayName: "ops")],
            memberships: [GroupMembership(groupID: team, memberID: bob, memberKind: .user),
                          GroupMembership(groupID: ops, memberID: team, memberKind: .group)],
            managementGroups: [ManagementGroup(name: "contoso", displayName: "Contoso", parentName: nil),
                               ManagementGroup(name: "platform", displayName: "Platform", parentName: "contoso")],
            subscriptions: [Subscription(id: subID, displayName: "sub", managementGroupID: "platform")],
            operations: [vmWrite, raWrite, listKeys, "Microsoft.Storage/storageAccounts/write"].map { CatalogOperation(name: $0, isDataAction: false) }),
            options: options)
    }

    /// One recorded row: `caller` as logged (key) and as the import resolved it.
    struct Row {
        var caller: UsageRecords.Caller?
        var action = vmWrite
        var scope = vm
        var evidence: String?
        var uses = 1
        var denied = 0
    }

    /// What the usage report and the attributed uses say about `rows`: uses and denied attempts
    /// per assignment id (only those with any), and the unknown-evidence and unattributed uses.
    struct Outcome: Equatable {
        var uses: [String: Int] = [:]
        var denied: [String: Int] = [:]
        var unknownEvidence = 0
        var unattributed = 0
    }

    static func attribute(_ given: [Row], eligible: Bool = false) -> Outcome {
        var records = UsageRecords()
        var rows: [UsageRecord] = []
        for (k, r) in given.enumerated() {
            var caller = UsageRecord.missing
            if let c = r.caller {
                caller = Int32(records.callers.count)
                records.callers.append(c)
            }
            var evidence = UsageRecord.none
            if let e = r.evidence {
                evidence = Int32(records.evidence.count)
                records.evidence.append(e)
            }
            records.actions.append(UsageRecords.Action(key: r.action.lowercased(), display: r.action))
            records.scopes.append(r.scope)
            rows.append(UsageRecord(caller: caller, action: Int32(k), scope: Int32(k), evidence: evidence, day: 20_000,
                                    uses: r.uses, denied: r.denied, last: 1_728_000_000))
        }
        let attribution = UsageAttribution(evaluator: eligible ? evaluatorEligible : evaluatorDefault, records: records)
        let (report, attributed) = attribution.report(&rows, workers: 1, attributedUses: true)
        var out = Outcome(unknownEvidence: report.unknownEvidenceUses, unattributed: report.unattributedUses)
        for a in report.assignments {
            if a.uses > 0 { out.uses[a.assignment] = a.uses }
            if a.deniedAttempts > 0 { out.denied[a.assignment] = a.deniedAttempts }
        }
        // The attributed uses (recommender) say the same.
        var perAssignment: [String: Int] = [:]
        for u in attributed?.uses ?? [] { perAssignment[u.assignment, default: 0] += u.count }
        #expect(perAssignment == out.uses)
        #expect(attributed?.unknownEvidenceUses == out.unknownEvidence)
        #expect(attributed?.unattributedUses == out.unattributed)
        return out
    }

    static func resolved(_ id: String) -> UsageRecords.Caller { UsageRecords.Caller(key: id, resolvedID: id) }
}

@Suite("Usage attribution rules")
struct UsageAttributionTests {
    typealias T = AttributionTenant

    @Test("evidence: the use belongs to the assignment the event names, alone")
    func evidence() {
        // app's Owner (a3) would grant it; the evidence names alice's a1.
        let r = T.attribute([T.Row(caller: T.resolved(T.app), evidence: T.a1.id.uppercased(), uses: 3)])
        #expect(r == T.Outcome(uses: [T.a1.id: 3]))
        let e = T.evaluatorDefault
        let uses = e.attribute([RecordedUse(caller: T.app, action: T.vmWrite, scope: T.vm, day: 1, evidence: T.a1.id, count: 3, lastSeen: nil)]).uses
        #expect(uses.map(\.assignment) == [T.a1.id])
        #expect(uses.allSatisfy { $0.viaEvidence })
    }

    @Test("caller resolution: object id, a GUID the import left unresolved, user principal name (any case)")
    func callerResolution() {
        #expect(T.attribute([T.Row(caller: T.resolved(T.alice))]) == T.Outcome(uses: [T.a1.id: 1]))
        #expect(T.attribute([T.Row(caller: UsageRecords.Caller(key: T.alice, resolvedID: nil))]) == T.Outcome(uses: [T.a1.id: 1]))
        #expect(T.attribute([T.Row(caller: UsageRecords.Caller(key: "alice@contoso.example", resolvedID: nil))]) == T.Outcome(uses: [T.a1.id: 1]))
        // A GUID caller that is nobody in the directory is still that principal: nothing grants it.
        #expect(T.attribute([T.Row(caller: UsageRecords.Caller(key: T.id("09090909", 9), resolvedID: nil))]) == T.Outcome(unattributed: 1))
    }

    @Test("groups: a member's use belongs to its groups' assignments, transitively")
    func viaGroups() {
        // bob is in team, team in ops; ops holds a2 at the subscription.
        #expect(T.attribute([T.Row(caller: T.resolved(T.bob), uses: 2)]) == T.Outcome(uses: [T.a2.id: 2]))
        // The group's own use too.
        #expect(T.attribute([T.Row(caller: T.resolved(T.ops))]) == T.Outcome(uses: [T.a2.id: 1]))
    }

    @Test("inherited scopes: management group > subscription > resource group > resource > child resource")
    func inheritedScopes() {
        // a3 is at contoso, the parent of the subscription's management group.
        for scope in [T.sub, T.rg, T.vm, T.vmExtension] {
            #expect(T.attribute([T.Row(caller: T.resolved(T.app), scope: scope)]) == T.Outcome(uses: [T.a3.id: 1]), "\(scope)")
        }
        // alice's a1 (resource group) covers the extension below it, not the subscription above or a sibling group.
        #expect(T.attribute([T.Row(caller: T.resolved(T.alice), scope: T.vmExtension)]) == T.Outcome(uses: [T.a1.id: 1]))
        #expect(T.attribute([T.Row(caller: T.resolved(T.alice), scope: T.sub)]) == T.Outcome(unattributed: 1))
        #expect(T.attribute([T.Row(caller: T.resolved(T.alice), scope: T.rgOther)]) == T.Outcome(unattributed: 1))
        // Every granting assignment gets the use: bob and alice both, each through their own.
        #expect(T.attribute([T.Row(caller: T.resolved(T.alice)), T.Row(caller: T.resolved(T.bob))])
                == T.Outcome(uses: [T.a1.id: 1, T.a2.id: 1]))
    }

    @Test("deny: a denied attempt is not a use; it counts against the caller's assignments at the scope or above")
    func deniedAttempts() {
        // alice was refused a role assignment write at the VM: her active a1 (rg) and a4 (sub)
        // see it, whatever they grant; the eligible a5 does not count without --include-eligible.
        let r = T.attribute([T.Row(caller: T.resolved(T.alice), action: T.raWrite, uses: 0, denied: 2)])
        #expect(r == T.Outcome(denied: [T.a1.id: 2, T.a4.id: 2]))
        #expect(T.attribute([T.Row(caller: T.resolved(T.alice), action: T.raWrite, uses: 0, denied: 2)], eligible: true)
                == T.Outcome(denied: [T.a1.id: 2, T.a4.id: 2, T.a5.id: 2]))
        // With evidence, the named assignment alone.
        #expect(T.attribute([T.Row(caller: T.resolved(T.alice), evidence: T.a4.id, uses: 0, denied: 1)]) == T.Outcome(denied: [T.a4.id: 1]))
        // An unresolved caller's denied attempt is counted against nobody.
        #expect(T.attribute([T.Row(caller: nil, uses: 0, denied: 1)]) == T.Outcome())
    }

    @Test("unknown evidence: an assignment the snapshot does not hold gets nothing, nor does any other")
    func unknownEvidence() {
        let r = T.attribute([T.Row(caller: T.resolved(T.alice), evidence: T.id("0a0a0a0a", 9), uses: 4)])
        #expect(r == T.Outcome(unknownEvidence: 4))
    }

    @Test("unattributed: no caller, an unresolved caller, or no assignment grants the action")
    func unattributed() {
        let r = T.attribute([
            T.Row(caller: nil),
            T.Row(caller: UsageRecords.Caller(key: "mallory@evil.example", resolvedID: nil), uses: 2),
            T.Row(caller: UsageRecords.Caller(key: "", resolvedID: nil), uses: 3),
            T.Row(caller: T.resolved(T.alice), action: T.listKeys, uses: 4),
        ])
        #expect(r == T.Outcome(unattributed: 10))
    }

    @Test("eligible assignments count only with includeEligible")
    func eligible() {
        // Only alice's eligible Owner (a5) grants a role assignment write at the VM.
        let row = T.Row(caller: T.resolved(T.alice), action: T.raWrite)
        #expect(T.attribute([row]) == T.Outcome(unattributed: 1))
        #expect(T.attribute([row], eligible: true) == T.Outcome(uses: [T.a5.id: 1]))
        // VM write: a1 grants it; a5 (Owner) too once eligible assignments count.
        #expect(T.attribute([T.Row(caller: T.resolved(T.alice))], eligible: true) == T.Outcome(uses: [T.a1.id: 1, T.a5.id: 1]))
    }

    @Test("lowest common scope: spelled from the first scope's own spelling, whatever order the sets come in")
    func commonScopeSpelling() {
        let h = ScopeHierarchy(managementGroups: [ManagementGroup(name: "contoso", displayName: "", parentName: nil),
                                                  ManagementGroup(name: "platform", displayName: "", parentName: "contoso")],
                               subscriptions: [Subscription(id: T.subID, displayName: "", managementGroupID: "platform"),
                                               Subscription(id: "22222222-0000-4000-8000-000000000002", displayName: "", managementGroupID: "contoso")])
        let upper = Scope(T.sub.display + "/resourceGroups/RG-APP/providers/Microsoft.Compute/virtualMachines/vm-1")
        let lower = Scope(T.sub.display + "/resourcegroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-2")
        #expect(h.lowestCommonScope([lower, upper])?.display == T.sub.display + "/resourceGroups/RG-APP")
        #expect(h.lowestCommonScope([upper, lower])?.display == T.sub.display + "/resourceGroups/RG-APP")
        #expect(h.lowestCommonScope([T.vm, Scope("/subscriptions/22222222-0000-4000-8000-000000000002")])?.display
                == "/providers/Microsoft.Management/managementGroups/contoso")
    }
}
