import ScopedownCore
import ScopedownTestSupport
import Testing

/// One small fixture per rule of REFERENCE.md §2.
@Suite("Evaluator semantics")
struct EvaluatorSemanticsTests {
    // Ids: users 0505…, groups 0606…, roles 0808…, assignments 0a0a…, denies 0b0b….
    static func id(_ prefix: String, _ n: Int) -> String { "\(prefix)-0000-4000-8000-00000000000\(n)" }
    static let alice = id("05050505", 1), bob = id("05050505", 2), carol = id("05050505", 3)
    static let g1 = id("06060606", 1), g2 = id("06060606", 2)
    static let reader = id("08080808", 1), writer = id("08080808", 2), star = id("08080808", 3)
    static let sub1 = "/subscriptions/11111111-0000-4000-8000-000000000001"
    static let sub2 = "/subscriptions/11111111-0000-4000-8000-000000000002"
    static let rg = sub1 + "/resourceGroups/rg1"
    static let vm = rg + "/providers/Microsoft.Compute/virtualMachines/vm1"
    static let disk = vm + "/disks/d1"

    static let catalog: [CatalogOperation] = [
        CatalogOperation(name: "Microsoft.Compute/virtualMachines/read", isDataAction: false),
        CatalogOperation(name: "Microsoft.Compute/virtualMachines/write", isDataAction: false),
        CatalogOperation(name: "Microsoft.Compute/virtualMachines/disks/read", isDataAction: false),
        CatalogOperation(name: "Microsoft.Compute/virtualMachines/runCommand/action", isDataAction: false),
        CatalogOperation(name: "Microsoft.Authorization/roleAssignments/write", isDataAction: false),
        CatalogOperation(name: "Microsoft.Storage/storageAccounts/listKeys/action", isDataAction: false),
        CatalogOperation(name: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", isDataAction: true),
        CatalogOperation(name: "Microsoft.AppConfiguration/configurationStores/keyValues/write", isDataAction: true),
        CatalogOperation(name: "Microsoft.AppConfiguration/configurationStores/keyValues/write", isDataAction: false),
    ]

    static let mgs = [
        ManagementGroup(name: "tenant-root", displayName: "Tenant Root Group", parentName: nil),
        ManagementGroup(name: "corp", displayName: "Corp", parentName: "tenant-root"),
        ManagementGroup(name: "online", displayName: "Online", parentName: "corp"),
        ManagementGroup(name: "sandbox", displayName: "Sandbox", parentName: "tenant-root"),
    ]
    static let subs = [
        Subscription(id: "11111111-0000-4000-8000-000000000001", displayName: "prod", managementGroupID: "online"),
        Subscription(id: "11111111-0000-4000-8000-000000000002", displayName: "play", managementGroupID: "sandbox"),
    ]

    static func role(_ id: String, _ name: String, _ blocks: [PermissionBlock]) -> RoleDefinition {
        RoleDefinition(id: id, resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(id)", roleName: name,
                       isCustom: true, permissions: blocks)
    }
    static let roles = [
        role(reader, "Reader-ish", [PermissionBlock(actions: ["*/read"])]),
        role(writer, "VM Writer", [PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/write"])]),
        role(star, "Almost Owner", [PermissionBlock(actions: ["*"], notActions: ["Microsoft.Authorization/*/write"])]),
    ]

    static func assign(_ n: Int, _ principal: String, _ role: String, _ scope: String, state: AssignmentState = .active,
                       condition: String? = nil) -> RoleAssignment {
        RoleAssignment(id: id("0a0a0a0a", n), resourceID: "ra\(n)", scope: Scope(scope), roleDefinitionID: role,
                       principalID: principal, principalType: "User", state: state, condition: condition)
    }

    static func tenant(_ assignments: [RoleAssignment], denies: [DenyAssignment] = [],
                       memberships: [GroupMembership] = [], includeEligible: Bool = false) -> Evaluator {
        let principals = [
            Principal(id: alice, kind: .user, displayName: "Alice", userPrincipalName: "alice@contoso.com"),
            Principal(id: bob, kind: .user, displayName: "Bob", userPrincipalName: "bob@contoso.com"),
            Principal(id: carol, kind: .user, displayName: "Bob", userPrincipalName: "carol@contoso.com"),
            Principal(id: g1, kind: .group, displayName: "Ops"),
            Principal(id: g2, kind: .group, displayName: "All staff"),
        ]
        return Evaluator(snapshot: AuthorizationSnapshot(
            roleDefinitions: roles, roleAssignments: assignments, denyAssignments: denies, principals: principals,
            memberships: memberships, managementGroups: mgs, subscriptions: subs, operations: catalog),
            options: EvaluationOptions(includeEligible: includeEligible))
    }

    static func deny(_ n: Int, scope: String, actions: [String], notActions: [String] = [], principals: [String],
                     exclude: [String] = [], childScopes: Bool = true, effect: String = "enforced") -> DenyAssignment {
        DenyAssignment(id: id("0b0b0b0b", n), resourceID: "da\(n)", name: "deny \(n)", scope: Scope(scope),
                       permissions: [PermissionBlock(actions: actions, notActions: notActions)],
                       principals: principals.map { PrincipalReference(id: $0, type: "User") },
                       excludePrincipals: exclude.map { PrincipalReference(id: $0, type: "User") },
                       doNotApplyToChildScopes: !childScopes, effect: effect)
    }

    // §2.7
    @Test("assignments inherit down the management-group chain to resources and child resources")
    func mgInheritance() {
        let e = Self.tenant([Self.assign(1, Self.alice, Self.reader, "/providers/Microsoft.Management/managementGroups/Corp")])
        let d = e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/disks/read", scope: Scope(Self.disk))
        #expect(d.outcome == .allowed)
        #expect(d.grants.map(\.inherited) == [true])
        #expect(d.grants.map(\.path.scope) == ["/providers/Microsoft.Management/managementGroups/Corp"])
        // The sandbox subscription is not under Corp.
        #expect(e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/read", scope: Scope(Self.sub2)).outcome == .notGranted)
        // Nor is Corp's parent.
        #expect(e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/read",
                         scope: Scope("/providers/Microsoft.Management/managementGroups/tenant-root")).outcome == .notGranted)
    }

    @Test("`/` and the tenant root group apply everywhere")
    func rootScopes() {
        let e = Self.tenant([Self.assign(1, Self.alice, Self.reader, "/"),
                             Self.assign(2, Self.bob, Self.reader, "/providers/Microsoft.Management/managementGroups/tenant-root")])
        for p in [Self.alice, Self.bob] {
            #expect(e.decide(principal: p, operation: "Microsoft.Compute/virtualMachines/read", scope: Scope(Self.vm)).outcome == .allowed)
            #expect(e.decide(principal: p, operation: "Microsoft.Compute/virtualMachines/read", scope: Scope(Self.sub2)).outcome == .allowed)
        }
    }

    // §2.8
    @Test("group assignments apply transitively, with the via path, through cycles")
    func nestedGroups() {
        let e = Self.tenant([Self.assign(1, Self.g2, Self.writer, Self.rg)], memberships: [
            GroupMembership(groupID: Self.g1, memberID: Self.alice, memberKind: .user),
            GroupMembership(groupID: Self.g2, memberID: Self.g1, memberKind: .group),
            GroupMembership(groupID: Self.g1, memberID: Self.g2, memberKind: .group),
        ])
        let d = e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm))
        #expect(d.outcome == .allowed)
        #expect(d.grants.map(\.path.via) == [[Self.g1, Self.g2]])
        #expect(e.grantingAssignments(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/write",
                                      scope: Scope(Self.vm)).map(\.assignmentID) == [Self.id("0a0a0a0a", 1)])
        #expect(e.decide(principal: Self.bob, operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm)).outcome == .notGranted)
    }

    // §2.3
    @Test("NotActions trims its own role; another assignment grants the operation back")
    func notActionsIsNotADeny() {
        let op = "Microsoft.Authorization/roleAssignments/write"
        let only = Self.tenant([Self.assign(1, Self.alice, Self.star, Self.sub1)])
        let d = only.decide(principal: Self.alice, operation: op, scope: Scope(Self.rg))
        #expect(d.outcome == .notGranted)
        #expect(d.notActionRemovals.map(\.notPattern) == ["Microsoft.Authorization/*/write"])
        #expect(d.notActionRemovals.map(\.pattern) == ["*"])
        let writerRole = Self.role(Self.id("08080808", 9), "RA Writer", [PermissionBlock(actions: [op])])
        var snap = only.snapshot
        snap.roleDefinitions.append(writerRole)
        snap.roleAssignments.append(Self.assign(2, Self.alice, writerRole.id, Self.rg))
        let both = Evaluator(snapshot: snap)
        let d2 = both.decide(principal: Self.alice, operation: op, scope: Scope(Self.vm))
        #expect(d2.outcome == .allowed)
        #expect(d2.grantingAssignmentIDs == [Self.id("0a0a0a0a", 2)])
        #expect(d2.notActionRemovals.count == 1)
    }

    @Test("NotActions subtracts per block: a second block of the same role grants it back")
    func perBlock() {
        let r = Self.role(Self.id("08080808", 7), "Two blocks", [
            PermissionBlock(actions: ["Microsoft.Compute/*"], notActions: ["Microsoft.Compute/virtualMachines/write"]),
            PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/write"]),
        ])
        var snap = Self.tenant([]).snapshot
        snap.roleDefinitions.append(r)
        snap.roleAssignments = [Self.assign(1, Self.alice, r.id, Self.sub1)]
        let d = Evaluator(snapshot: snap).decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm))
        #expect(d.outcome == .allowed)
        #expect(d.grants.map(\.blockIndex) == [1])
    }

    // §2.2
    @Test("`*` spans `/`, matching is case-insensitive, names come back in the catalog's spelling")
    func wildcards() {
        let e = Self.tenant([Self.assign(1, Self.alice, Self.reader, Self.sub1)])
        let d = e.decide(principal: Self.alice, operation: "MICROSOFT.COMPUTE/VIRTUALMACHINES/DISKS/READ", scope: Scope(Self.vm))
        #expect(d.outcome == .allowed)
        #expect(d.operation == "Microsoft.Compute/virtualMachines/disks/read")
        #expect(d.grants.map(\.pattern) == ["*/read"])
        let access = e.effective(principal: Self.alice, scope: Scope(Self.vm))
        #expect(access.actions == ["Microsoft.Compute/virtualMachines/disks/read", "Microsoft.Compute/virtualMachines/read"])
    }

    // §2.4
    @Test("actions never grant data operations and dataActions never control ones")
    func planes() {
        let data = Self.role(Self.id("08080808", 6), "Data star", [PermissionBlock(dataActions: ["*"])])
        var snap = Self.tenant([Self.assign(1, Self.alice, Self.star, Self.sub1)]).snapshot
        snap.roleDefinitions.append(data)
        snap.roleAssignments.append(Self.assign(2, Self.bob, data.id, Self.sub1))
        let e = Evaluator(snapshot: snap)
        let blobs = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
        #expect(e.decide(principal: Self.alice, operation: blobs, scope: Scope(Self.rg)).outcome == .notGranted)
        #expect(e.decide(principal: Self.bob, operation: blobs, scope: Scope(Self.rg)).outcome == .allowed)
        #expect(e.decide(principal: Self.bob, operation: "Microsoft.Compute/virtualMachines/read", scope: Scope(Self.rg)).outcome == .notGranted)
        // A name in both planes: each plane by its own list.
        let kv = "Microsoft.AppConfiguration/configurationStores/keyValues/write"
        #expect(e.decide(principal: Self.alice, operation: kv, scope: Scope(Self.rg), plane: .control).outcome == .allowed)
        #expect(e.decide(principal: Self.alice, operation: kv, scope: Scope(Self.rg), plane: .data).outcome == .notGranted)
        #expect(e.decide(principal: Self.bob, operation: kv, scope: Scope(Self.rg), plane: .data).outcome == .allowed)
        let a = e.effective(principal: Self.alice, scope: Scope(Self.rg))
        #expect(a.dataActions.isEmpty)
        #expect(a.actions.contains(kv))
        let b = e.effective(principal: Self.bob, scope: Scope(Self.rg))
        #expect(b.actions.isEmpty)
        #expect(b.dataActions == [kv, blobs])
    }

    // §2.5
    @Test("a deny assignment wins; its NotActions carve exceptions")
    func denyWins() {
        let e = Self.tenant([Self.assign(1, Self.alice, Self.star, Self.sub1)], denies: [
            Self.deny(1, scope: Self.rg, actions: ["Microsoft.Compute/*"], notActions: ["*/read"], principals: [Self.alice]),
        ])
        let w = e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm))
        #expect(w.outcome == .denied)
        #expect(w.denies.map(\.status) == [.blocks])
        #expect(w.grantingAssignmentIDs == [Self.id("0a0a0a0a", 1)])
        let r = e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/read", scope: Scope(Self.vm))
        #expect(r.outcome == .allowed)
        #expect(r.denies.map(\.status) == [.carvedOut(notPattern: "*/read")])
        // Above the deny's scope, nothing is denied.
        #expect(e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.sub1)).outcome == .allowed)
        let access = e.effective(principal: Self.alice, scope: Scope(Self.vm))
        #expect(access.denied == ["Microsoft.Compute/virtualMachines/runCommand/action", "Microsoft.Compute/virtualMachines/write"])
        #expect(access.grants.count == 1)
        #expect(!access.actions.contains("Microsoft.Compute/virtualMachines/write"))
        #expect(access.actions.contains("Microsoft.Compute/virtualMachines/read"))
    }

    @Test("everyone, exclusions through groups, doNotApplyToChildScopes and audit")
    func denyTargets() {
        let op = "Microsoft.Compute/virtualMachines/write"
        let members = [GroupMembership(groupID: Self.g1, memberID: Self.bob, memberKind: .user)]
        let grants = [Self.assign(1, Self.alice, Self.writer, "/"), Self.assign(2, Self.bob, Self.writer, "/"),
                      Self.assign(3, Self.carol, Self.writer, "/")]
        let everyoneButOps = Self.tenant(grants, denies: [
            Self.deny(1, scope: Self.sub1, actions: ["*"], principals: [AzureID.everyone], exclude: [Self.g1]),
        ], memberships: members)
        #expect(everyoneButOps.decide(principal: Self.alice, operation: op, scope: Scope(Self.vm)).outcome == .denied)
        let bob = everyoneButOps.decide(principal: Self.bob, operation: op, scope: Scope(Self.vm))
        #expect(bob.outcome == .allowed)
        #expect(bob.denies.map(\.status) == [.excluded(by: Self.g1)])

        let viaGroup = Self.tenant(grants, denies: [Self.deny(1, scope: Self.sub1, actions: ["*"], principals: [Self.g1])],
                                   memberships: members)
        #expect(viaGroup.decide(principal: Self.bob, operation: op, scope: Scope(Self.vm)).outcome == .denied)
        #expect(viaGroup.decide(principal: Self.alice, operation: op, scope: Scope(Self.vm)).outcome == .allowed)

        let here = Self.tenant(grants, denies: [Self.deny(1, scope: Self.rg, actions: ["*"], principals: [Self.alice], childScopes: false)])
        #expect(here.decide(principal: Self.alice, operation: op, scope: Scope(Self.rg)).outcome == .denied)
        let child = here.decide(principal: Self.alice, operation: op, scope: Scope(Self.vm))
        #expect(child.outcome == .allowed)
        #expect(child.denies.map(\.status) == [.notInherited])

        let audit = Self.tenant(grants, denies: [Self.deny(1, scope: Self.rg, actions: ["*"], principals: [Self.alice], effect: "audit")])
        let a = audit.decide(principal: Self.alice, operation: op, scope: Scope(Self.vm))
        #expect(a.outcome == .allowed)
        #expect(a.denies.map(\.status) == [.audit])
    }

    // §2.6
    @Test("an assignment with a condition grants conditionally")
    func conditional() {
        let e = Self.tenant([Self.assign(1, Self.alice, Self.writer, Self.sub1, condition: "@Resource[x] StringEquals 'y'")])
        let d = e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm))
        #expect(d.outcome == .allowed)
        #expect(d.conditional)
        #expect(d.grants.map(\.conditionSources) == [["assignment condition"]])
        #expect(e.effective(principal: Self.alice, scope: Scope(Self.vm)).grants.map(\.conditional) == [true])
    }

    // §2.9
    @Test("PIM-eligible assignments grant only with --include-eligible")
    func eligible() {
        let a = [Self.assign(1, Self.alice, Self.writer, Self.sub1, state: .eligible)]
        let op = "Microsoft.Compute/virtualMachines/write"
        let without = Self.tenant(a).decide(principal: Self.alice, operation: op, scope: Scope(Self.vm))
        #expect(without.outcome == .notGranted)
        #expect(without.eligibleGrants.map(\.assignmentID) == [Self.id("0a0a0a0a", 1)])
        #expect(Self.tenant(a).effective(principal: Self.alice, scope: Scope(Self.vm)).grants.isEmpty)
        let inc = Self.tenant(a, includeEligible: true).decide(principal: Self.alice, operation: op, scope: Scope(Self.vm))
        #expect(inc.outcome == .allowed)
        #expect(inc.grants.map(\.path.state) == [.eligible])
    }

    @Test("an assignment to a role that was not imported grants nothing and is reported")
    func unknownRole() {
        let e = Self.tenant([Self.assign(1, Self.alice, Self.id("08080808", 8), Self.sub1)])
        let d = e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm))
        #expect(d.outcome == .notGranted)
        #expect(d.unknownRoleAssignments == [Self.id("0a0a0a0a", 1)])
        let access = e.effective(principal: Self.alice, scope: Scope(Self.vm))
        #expect(access.unknownRoleAssignments == [Self.id("0a0a0a0a", 1)])
        #expect(access.grants.map(\.roleName) == [""])
    }

    @Test("an operation outside the catalog is evaluated by name; literal patterns are reported uncatalogued")
    func outsideCatalog() {
        let r = Self.role(Self.id("08080808", 5), "Classic", [PermissionBlock(actions: ["Microsoft.Authorization/classicAdministrators/read", "Microsoft.Nothing/*"])])
        var snap = Self.tenant([Self.assign(1, Self.alice, r.id, Self.sub1)]).snapshot
        snap.roleDefinitions.append(r)
        let e = Evaluator(snapshot: snap)
        let d = e.decide(principal: Self.alice, operation: "microsoft.authorization/classicadministrators/read", scope: Scope(Self.sub1))
        #expect(d.outcome == .allowed)
        #expect(!d.catalogued)
        #expect(d.plane == .control)
        let access = e.effective(principal: Self.alice, scope: Scope(Self.sub1))
        #expect(access.actions.isEmpty)
        #expect(access.uncatalogued == [UncataloguedOperation(name: "Microsoft.Authorization/classicAdministrators/read", plane: .control, denied: false)])
        #expect(access.unmatchedPatterns == ["Microsoft.Nothing/*"])
    }

    @Test("one operation universe: actions, dataActions and denied come from the catalog; role-only names are uncatalogued, held or denied")
    func oneOperationUniverse() {
        // Another role names two operations the catalog lacks; Alice holds `*` with a `*/delete` deny.
        let aws = Self.role(Self.id("08080808", 6), "Aws", [PermissionBlock(actions: ["Microsoft.AwsConnector/ec2Instances/delete",
                                                                                     "Microsoft.AwsConnector/ec2Instances/write"])])
        let owner = Self.role(Self.id("08080808", 7), "Owner-ish", [PermissionBlock(actions: ["*"])])
        var snap = Self.tenant([Self.assign(1, Self.alice, owner.id, Self.sub1)],
                               denies: [Self.deny(1, scope: Self.sub1, actions: ["*/delete"], principals: [Self.alice])]).snapshot
        snap.roleDefinitions += [aws, owner]
        snap.operations.append(CatalogOperation(name: "Microsoft.Compute/virtualMachines/delete", isDataAction: false))
        let access = Evaluator(snapshot: snap).effective(principal: Self.alice, scope: Scope(Self.sub1))
        #expect(access.denied == ["Microsoft.Compute/virtualMachines/delete"])
        #expect(!access.actions.contains { $0.hasPrefix("Microsoft.AwsConnector") })
        #expect(access.uncatalogued == [
            UncataloguedOperation(name: "Microsoft.AwsConnector/ec2Instances/delete", plane: .control, denied: true),
            UncataloguedOperation(name: "Microsoft.AwsConnector/ec2Instances/write", plane: .control, denied: false),
        ])
        #expect(access.unmatchedPatterns.isEmpty)
    }

    @Test("a principal is found by object id, UPN or an unambiguous display name")
    func resolvePrincipal() {
        let e = Self.tenant([])
        #expect(e.resolvePrincipal(Self.alice.uppercased()) == .found(Self.alice))
        #expect(e.resolvePrincipal("ALICE@contoso.com") == .found(Self.alice))
        #expect(e.resolvePrincipal("alice") == .found(Self.alice))
        #expect(e.resolvePrincipal("99999999-0000-4000-8000-000000000000") == .found("99999999-0000-4000-8000-000000000000"))
        #expect(e.resolvePrincipal("nobody") == .notFound)
        guard case .ambiguous(let list) = e.resolvePrincipal("Bob") else { Issue.record("expected ambiguous"); return }
        #expect(list.map(\.id) == [Self.bob, Self.carol])
    }

    @Test("who-can lists principals and groups that hold the operation, less denies")
    func whoCan() {
        let e = Self.tenant([Self.assign(1, Self.g2, Self.writer, Self.sub1), Self.assign(2, Self.carol, Self.star, "/")],
                            denies: [Self.deny(1, scope: Self.sub1, actions: ["*/write"], principals: [Self.g1])],
                            memberships: [
                                GroupMembership(groupID: Self.g2, memberID: Self.g1, memberKind: .group),
                                GroupMembership(groupID: Self.g1, memberID: Self.alice, memberKind: .user),
                                GroupMembership(groupID: Self.g2, memberID: Self.bob, memberKind: .user),
                            ])
        let r = e.whoCan(operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm))
        // Alice is in Ops, which the deny names; Bob holds it through All staff; Carol directly.
        #expect(r.principals.map(\.id) == [Self.bob, Self.carol])
        #expect(r.groups.map(\.id) == [Self.g2])
        #expect(r.principals.first?.decision.grants.first?.path.via == [Self.g2])
        // Outside the deny's scope, Ops and Alice hold it too.
        let out = e.whoCan(operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.sub2))
        #expect(out.principals.map(\.id) == [Self.carol])
    }

    @Test("who-can types: managed identities, unknown ids, groups known only from memberships")
    func whoCanTypes() {
        let mi = Self.id("07070707", 1), ghost = Self.id("07070707", 2), ghostGroup = Self.id("07070707", 3)
        var snap = Self.tenant([
            Self.assign(1, mi, Self.writer, Self.sub1), Self.assign(2, ghost, Self.writer, Self.sub1),
            Self.assign(3, ghostGroup, Self.writer, Self.sub1),
        ], memberships: [GroupMembership(groupID: ghostGroup, memberID: Self.carol, memberKind: .user)]).snapshot
        snap.principals.append(Principal(id: mi, kind: .servicePrincipal, displayName: "uami-build", servicePrincipalType: "ManagedIdentity"))
        let r = Evaluator(snapshot: snap).whoCan(operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm))
        #expect(r.principals.map(\.id) == [Self.carol, mi, ghost])
        #expect(r.principals.map(\.kind) == [.user, .managedIdentity, .user])
        #expect(r.principals.map(\.displayName) == ["Bob", "uami-build", nil])
        #expect(r.groups.map(\.id) == [ghostGroup])
    }

    @Test("grantingAssignments ignores denies and sorts by assignment id")
    func grantingIgnoresDenies() {
        let e = Self.tenant([Self.assign(2, Self.alice, Self.star, Self.sub1), Self.assign(1, Self.alice, Self.writer, Self.rg)],
                            denies: [Self.deny(1, scope: "/", actions: ["*"], principals: [AzureID.everyone])])
        let paths = e.grantingAssignments(principal: Self.alice, operation: "microsoft.compute/virtualmachines/write", scope: Scope(Self.vm))
        #expect(paths.map(\.assignmentID) == [Self.id("0a0a0a0a", 1), Self.id("0a0a0a0a", 2)])
        #expect(paths.map(\.roleName) == ["VM Writer", "Almost Owner"])
        #expect(e.decide(principal: Self.alice, operation: "Microsoft.Compute/virtualMachines/write", scope: Scope(Self.vm)).outcome == .denied)
    }

    @Test("blast radius lists every scope with an assignment and the risky operations held there")
    func blastRadius() {
        let e = Self.tenant([Self.assign(1, Self.g1, Self.star, Self.sub1), Self.assign(2, Self.alice, Self.reader, Self.sub2)],
                            memberships: [GroupMembership(groupID: Self.g1, memberID: Self.alice, memberKind: .user)])
        let r = e.blastRadius(principal: Self.alice)
        #expect(r.map(\.scope.display) == [Self.sub1, Self.sub2])
        let risky = r[0].risky.map(\.operation.name)
        #expect(risky.contains("Microsoft.Storage/storageAccounts/listKeys/action"))
        #expect(risky.contains("Microsoft.Compute/virtualMachines/runCommand/action"))
        #expect(!risky.contains("Microsoft.Authorization/roleAssignments/write"))
        #expect(r[1].risky.isEmpty)
        #expect(r[0].assignments.map(\.via) == [[Self.g1]])
    }
}
