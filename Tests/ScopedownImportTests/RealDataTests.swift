import Foundation
import ScopedownCore
@testable import ScopedownImport
import ScopedownTestSupport
import Testing

/// Every real sample in ../shared/azure (its top-level files and everything under bodies/) is
/// detected and decoded, with real decoded values asserted.
@Suite("Real Azure samples import", .enabled(if: SharedData.isAvailable, SharedData.skipMessage))
struct RealDataTests {
    @Test func builtinRoles() throws {
        let d = try importFile(realFile("builtin-roles.json"), displayName: "builtin-roles.json")
        #expect(d.format.kind == .roleDefinitions)
        #expect(d.format.shape == "az role definition list")
        let roles = d.batch.roleDefinitions
        #expect(roles.count == 928)
        #expect(roles.map(\.permissions.count).reduce(0, +) == 946)
        #expect(roles.flatMap(\.permissions).filter { $0.condition != nil }.count == 31)
        // SOURCES.md says "in 16 roles"; the data has 29 roles with a conditional block (checked with Python too).
        #expect(Set(roles.filter { $0.permissions.contains { $0.condition != nil } }.map(\.id)).count == 29)
        #expect(roles.filter { $0.permissions.count == 3 }.map(\.roleName).sorted()
                == ["Azure Sphere Owner", "Defender CSPM Storage Scanner Operator"])
        #expect(roles.allSatisfy { !$0.isCustom && $0.assignableScopes == [.root] })
        #expect(roles.flatMap(\.permissions).map(\.actions.count).reduce(0, +) == 9_011)
        #expect(roles.flatMap(\.permissions).map(\.notActions.count).reduce(0, +) == 237)
        #expect(roles.flatMap(\.permissions).map(\.dataActions.count).reduce(0, +) == 1_752)
        #expect(roles.flatMap(\.permissions).map(\.notDataActions.count).reduce(0, +) == 66)
        let owner = try #require(roles.first { $0.roleName == "Owner" })
        #expect(owner.id == "8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
        #expect(owner.resourceID == "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
        #expect(owner.permissions == [PermissionBlock(actions: ["*"])])
        let kvdaa = try #require(roles.first { $0.roleName == "Key Vault Data Access Administrator" })
        #expect(kvdaa.permissions[0].conditionVersion == "2.0")
        #expect(kvdaa.permissions[0].condition?.contains("ForAnyOfAnyValues:GuidEquals") == true)
        #expect(d.sha256 == SHA256.hex(try Data(contentsOf: SharedData.url("builtin-roles.json"))))
        #expect(d.byteCount == 1_521_446)
    }

    @Test(arguments: ["provider-operations.json", "provider-operations-flat.json"])
    func operationsCatalog(name: String) throws {
        let d = try #require(name == "provider-operations.json" ? Catalogs.nested : Catalogs.flat)
        #expect(d.format.kind == .operations)
        #expect(d.format.shape == (name == "provider-operations.json" ? "az provider operation list" : "provider operations (flat)"))
        let ops = d.batch.operations
        // 24,680 entries -> 22,497 case-insensitive names, 23 of them both data and control.
        #expect(ops.count == 22_520)
        #expect(Set(ops.map(\.key)).count == 22_497)
        let both = Dictionary(grouping: ops, by: \.key).filter { $0.value.count == 2 }
        #expect(both.count == 23)
        #expect(both["microsoft.appconfiguration/configurationstores/keyvalues/write"] != nil)
        #expect(ops.filter(\.isDataAction).count == Set(ops.filter(\.isDataAction).map(\.key)).count)
        // First-seen spelling is kept.
        #expect(ops.contains { $0.name == "Microsoft.App/artifactApps/write" } || ops.contains { $0.name == "microsoft.app/artifactapps/write" })
        let register = try #require(ops.first { $0.name == "Anyscale.Platform/register/action" })
        #expect(register.provider == "Anyscale.Platform")
        #expect(register.resourceType == nil)
        #expect(register.isDataAction == false)
        let clouds = try #require(ops.first { $0.name == "Anyscale.Platform/clouds/read" })
        #expect(clouds.resourceType == "clouds")
        #expect(clouds.displayName == "Get/List clouds")
    }

    @Test func bothCatalogFormsAgree() throws {
        let nested = try #require(Catalogs.nested).batch.operations
        let flat = try #require(Catalogs.flat).batch.operations
        #expect(Set(nested.map { "\($0.key)|\($0.isDataAction)" }) == Set(flat.map { "\($0.key)|\($0.isDataAction)" }))
    }

    @Test func managementGroupExpandRecurse() throws {
        let d = try importFile(realFile("management-group-show-expand-recurse-recorded.json"))
        #expect(d.format == DetectedFormat(kind: .managementGroups, shape: "az account management-group show"))
        let mgs = d.batch.managementGroups.map { "\($0.name)<-\($0.parentID ?? "nil")" }
        #expect(mgs == ["testcligetgroup2<-testcligetgroup1", "testcligetgroup3<-testcligetgroup2", "testcligetgroup4<-testcligetgroup3"])
        #expect(d.batch.managementGroups.allSatisfy { $0.tenantID == "c7a87cda-9a66-4920-b0f8-869baa04efe0" })
    }

    @Test func managementGroupChildOfRoot() throws {
        let d = try importFile(realFile("management-group-show-child-of-root-recorded.json"))
        let byName = Dictionary(uniqueKeysWithValues: d.batch.managementGroups.map { ($0.name, $0) })
        #expect(byName["testcligetgroup1"]?.parentID == "c7a87cda-9a66-4920-b0f8-869baa04efe0")
        // The tenant root group: its name is the tenant id, no parent.
        let root = try #require(byName["c7a87cda-9a66-4920-b0f8-869baa04efe0"])
        #expect(root.parentID == nil)
        #expect(root.displayName == "Root Management Group")
    }

    @Test(arguments: ["arg-resourcecontainers-managementgroups-recorded.json", "bodies/arg-resourcecontainers-managementgroups.body.json"])
    func resourceGraphManagementGroups(name: String) throws {
        let d = try importFile(realFile(name))
        #expect(d.format.kind == .resourceContainers)
        #expect(d.format.shape.hasSuffix("Resource Graph response"))
        #expect(d.batch.managementGroups.map(\.name) == ["PolicyUIMG", "AzGovTest5"])
        #expect(d.batch.managementGroups.map(\.id) == ["policyuimg", "azgovtest5"])
    }

    @Test func graphSample() throws {
        let d = try importFile(realFile("graph-group-transitivemembers-sample.json"))
        #expect(d.format == DetectedFormat(kind: .directory, shape: "Microsoft Graph responses (labeled)"))
        let p = d.batch.principals.sorted { $0.id < $1.id }
        #expect(p.map(\.id) == ["11111111-2222-3333-4444-555555555555", "4d0ef681-e88f-42a3-a2db-e6bf1e249e10", "d9fb0c47-c783-40a1-bce1-53b52ada51fc"])
        #expect(p.map(\.kind) == [.user, .group, .group])
        #expect(p[1].displayName == "Executives")
        #expect(p[0].mail == "group1@contoso.com")
    }

    @Test func transitiveMembersBody() throws {
        let d = try importFile(realFile("bodies/groups/02bd9fd6-8f93-4758-87c3-1fb73740a315/transitiveMembers.json"))
        #expect(d.format == DetectedFormat(kind: .groupMembers, shape: "Microsoft Graph transitiveMembers"))
        #expect(d.batch.memberships == [GroupMembership(groupID: "02bd9fd6-8f93-4758-87c3-1fb73740a315",
                                                        memberID: "11111111-2222-3333-4444-555555555555",
                                                        memberKind: .user, transitive: true)])
        #expect(d.batch.membershipGroups == ["02bd9fd6-8f93-4758-87c3-1fb73740a315"])
        #expect(d.batch.principals.map(\.kind) == [.user])
    }

    @Test func azCliAssignmentSample() throws {
        let d = try importFile(realFile("role-assignments-azcli-sample.json"))
        #expect(d.format == DetectedFormat(kind: .roleAssignments, shape: "az role assignment list"))
        let a = try #require(d.batch.roleAssignments.first)
        #expect(d.batch.roleAssignments.count == 1)
        #expect(a.roleDefinitionID == "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1")
        #expect(a.principalType == "User")
        #expect(a.scope.display == "/subscriptions/{subscriptionId}/resourceGroups/Example-Storage-rg/providers/Microsoft.Storage/storageAccounts/azurestorage12345/blobServices/default/containers/blob-container-01")
        #expect(a.condition == nil)
        #expect(a.state == .active)
    }

    @Test func armAssignmentLists() throws {
        let sub = try importFile(realFile("bodies/RoleAssignments_ListForSubscription.body.json"))
        #expect(sub.format == DetectedFormat(kind: .roleAssignments, shape: "ARM REST list"))
        #expect(sub.batch.roleAssignments.map(\.id) == ["b0f43c54-e787-4862-89b1-a653fa9cf747"])
        let rg = try importFile(realFile("bodies/RoleAssignments_ListForResourceGroup.body.json"))
        // A list holds assignments at other scopes than the one queried: each keeps its own scope.
        #expect(rg.batch.roleAssignments.map(\.scope.key) == ["/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2",
                                                              "/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/resourcegroups/testrg"])
        #expect(rg.batch.roleAssignments.allSatisfy { $0.roleDefinitionID == "0b5fe924-9a61-425c-96af-cfe6e287ca2d" && $0.principalID == "ce2ce14e-85d7-4629-bdbc-454d0519d987" })
    }

    @Test func roleDefinitionAtScope() throws {
        let d = try importFile(realFile("bodies/GetRoleDefinitionAtScope.body.json"))
        #expect(d.format == DetectedFormat(kind: .roleDefinitions, shape: "ARM REST list"))
        let r = try #require(d.batch.roleDefinitions.first)
        #expect(r.roleName == "Role name")
        #expect(r.isCustom == false)   // the example's placeholder `type: roletype`
        #expect(r.assignableScopes.map(\.key) == ["/subscriptions/subid"])
        #expect(r.permissions == [PermissionBlock(actions: ["action"], dataActions: ["dataAction"])])
    }

    @Test func denyAssignments() throws {
        let d = try importFile(realFile("bodies/GetAllDenyAssignments.body.json"))
        #expect(d.format == DetectedFormat(kind: .denyAssignments, shape: "ARM REST list"))
        let x = try #require(d.batch.denyAssignments.first)
        #expect(x.name == "Deny assignment name")
        #expect(x.scope.display == "/subscriptions/subId")
        #expect(x.principals == [PrincipalReference(id: "principalId1", type: "principalType1")])
        #expect(x.excludePrincipals == [PrincipalReference(id: "principalId2", type: "principalType2")])
        #expect(x.doNotApplyToChildScopes == false)
        #expect(x.isSystemProtected)
        #expect(x.blocks)
        #expect(x.permissions == [PermissionBlock(actions: ["action"], dataActions: ["action"])])
    }

    @Test func pimInstances() throws {
        let eligible = try importFile(realFile("bodies/GetRoleEligibilityScheduleInstancesByScope.body.json"))
        #expect(eligible.format.kind == .pimEligible)
        let e = try #require(eligible.batch.roleAssignments.first)
        #expect(e.state == .eligible)
        #expect(e.id == "21e4b59a-0499-4fe0-a3c3-43a3055b773a")
        #expect(e.roleDefinitionID == "b24988ac-6180-42a0-ab88-20f7382dd24c")
        #expect(e.principalID == "a3bb8764-cb92-4276-9d2a-ca1e895e55ea")
        #expect(e.scope.key == "/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f")
        #expect(e.startDateTime == "2020-09-10T00:32:36.86Z")
        #expect(e.endDateTime == "2021-09-10T00:31:41.477Z")
        #expect(e.isConditional && e.conditionVersion == "1.0")

        let active = try importFile(realFile("bodies/GetRoleAssignmentScheduleInstancesByScope.body.json"))
        #expect(active.format.kind == .pimActive)
        let a = try #require(active.batch.roleAssignments.first)
        #expect(a.state == .active)
        #expect(a.roleDefinitionID == "c8d4ff99-41c3-41a8-9f60-21dfdad59608")
        #expect(a.endDateTime == "2020-09-10T05:35:17.91Z")
    }

    @Test func managementGroupBodies() throws {
        let expand = try importFile(realFile("bodies/GetManagementGroupWithExpand.body.json"))
        #expect(expand.format.kind == .managementGroups)
        let mgs = Dictionary(uniqueKeysWithValues: expand.batch.managementGroups.map { ($0.id, $0) })
        #expect(mgs["20000000-0001-0000-0000-000000000000"]?.parentID == "20000000-0000-0000-0000-000000000000")
        #expect(mgs["20000000-0002-0000-0000-000000000000"]?.parentID == "20000000-0001-0000-0000-000000000000")
        #expect(mgs["20000000-0000-0000-0000-000000000000"]?.parentID == nil)   // the tenant root group
        #expect(expand.batch.subscriptions.map(\.id) == ["10000000-f004-0000-0000-000000000000",
                                                        "20000000-f005-0000-0000-000000000000",
                                                        "30000000-f003-0000-0000-000000000000"])
        #expect(expand.batch.subscriptions.allSatisfy { $0.managementGroupID == "20000000-0001-0000-0000-000000000000" })
        #expect(expand.batch.subscriptions[0].displayName == "Subscription 4 Tenant 1")

        let ancestors = try importFile(realFile("bodies/GetManagementGroupWithAncestors.body.json"))
        #expect(ancestors.batch.managementGroups.map(\.parentID) == ["20000000-0000-0000-0000-000000000001"])

        let entities = try importFile(realFile("bodies/GetEntities.body.json"))
        #expect(entities.format == DetectedFormat(kind: .managementGroups, shape: "az account management-group entities list"))
        // The root is named only as a parent, without a display name: it is left to its own entity.
        #expect(entities.batch.managementGroups.map(\.displayName).sorted() == ["Group 1 Tenant 2", "Group 4 Tenant 2"])
        #expect(entities.batch.managementGroups.filter { $0.parentID == "20000000-0000-0000-0000-000000000000" }.count == 2)
    }

    @Test func managementGroupSubscriptionRows() throws {
        // `GET .../managementGroups/{mg}/subscriptions`: subscriptions with their placement.
        let d = try importFile(realFile("bodies/GetAllSubscriptionsFromManagementGroup.body.json"))
        #expect(d.format == DetectedFormat(kind: .subscriptions, shape: "management group subscriptions list"))
        #expect(d.batch.subscriptions == [Subscription(id: "728bcbe4-8d56-4510-86c2-4921b8beefbc", displayName: "S5",
                                                       managementGroupID: "Group", state: "Active",
                                                       tenantID: "e751ac82-623b-4913-8d74-22637c832373")])
        #expect(d.batch.warnings.isEmpty)
    }

    @Test(arguments: ["activitylog-azcli-rest-sample.json", "activitylog-eventhub-records-sample.json",
                      "activitylog-storage-pt1h-sample.jsonl", "bodies/GetActivityLogsFiltered.body.json"])
    func activityLogShapesAreDetected(name: String) throws {
        let format = try FormatDetector.detect(InputFile(displayName: name, path: realFile(name)))
        #expect(format.kind == .activityLog)
        let expected = ["activitylog-azcli-rest-sample.json": "az monitor activity-log list",
                        "activitylog-eventhub-records-sample.json": "Event Hubs records",
                        "activitylog-storage-pt1h-sample.jsonl": "diagnostic archive (JSON Lines)",
                        "bodies/GetActivityLogsFiltered.body.json": "REST page"]
        #expect(format.shape == expected[name])
    }

    @Test func everySampleIsCovered() throws {
        // Every data file at the top and under bodies/ is detected without error (the LA column list is documentation).
        let files = try InputCollector.expand([SharedData.azure.path]).filter {
            !$0.displayName.hasSuffix(".md") && !$0.displayName.contains("/rest-examples/") && !$0.displayName.contains("provider-operations")
                && !$0.displayName.hasSuffix("activitylog-azureactivity-la-columns.json")
        }
        #expect(files.count == 22)   // + the two catalogs, tested above
        for f in files {
            let format = try FormatDetector.detect(f)
            if format.kind != .activityLog { _ = try InventoryImporter.decode(f, format: format) }
        }
    }

    @Test func restExamplesUnwrapTheirBody() throws {
        let d = try importFile(realFile("rest-examples/RoleAssignments_ListForResourceGroup.json"))
        #expect(d.format == DetectedFormat(kind: .roleAssignments, shape: "API example: ARM REST list"))
        #expect(d.batch.roleAssignments.count == 2)
    }
}

/// The catalogs are the largest samples: decode each once per test run.
enum Catalogs {
    static let nested: DecodedFile? = try? importFile(realFile("provider-operations.json"), displayName: "provider-operations.json")
    static let flat: DecodedFile? = try? importFile(realFile("provider-operations-flat.json"), displayName: "provider-operations-flat.json")
}
