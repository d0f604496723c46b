import Foundation
import ScopedownCore
import ScopedownImport
@testable import ScopedownStore

/// A fresh database path in a temporary folder, removed by `cleanup()`.
struct TempDB {
    let dir: URL
    var path: String { dir.appendingPathComponent("test.db").path }

    init() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("scopedown-store-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func bytes() -> Data { (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }
    func cleanup() { try? FileManager.default.removeItem(at: dir) }
}

/// Hand-built decoded files for the store tests (the decoders are tested on their own).
enum Sample {
    static let tenant = "11111111-1111-1111-1111-111111111111"
    static let subProd = "22222222-2222-2222-2222-222222222222"
    static let subDev = "33333333-3333-3333-3333-333333333333"
    static let subLoose = "44444444-4444-4444-4444-444444444444"
    static let alice = "aaaaaaaa-0000-0000-0000-000000000001"
    static let bob = "aaaaaaaa-0000-0000-0000-000000000002"
    static let admins = "bbbbbbbb-0000-0000-0000-000000000001"
    static let owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    static let reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    static let custom = "cccccccc-0000-0000-0000-000000000001"

    static func decoded(_ batch: ImportBatch, name: String, sha: String? = nil) -> DecodedFile {
        DecodedFile(file: InputFile(displayName: name, path: name), sha256: sha ?? "sha-\(name)", byteCount: 100,
                    format: DetectedFormat(kind: batch.kind, shape: batch.shape), batch: batch)
    }

    static var roles: ImportBatch {
        var b = ImportBatch(kind: .roleDefinitions, shape: "az role definition list")
        b.roleDefinitions = [
            RoleDefinition(id: "/subscriptions/\(subProd)/providers/Microsoft.Authorization/roleDefinitions/\(owner)",
                           resourceID: "/subscriptions/\(subProd)/providers/Microsoft.Authorization/roleDefinitions/\(owner)",
                           roleName: "Owner", description: "Grants full access", isCustom: false,
                           permissions: [PermissionBlock(actions: ["*"])]),
            RoleDefinition(id: reader, resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(reader)",
                           roleName: "Reader", description: "View all resources", isCustom: false,
                           permissions: [PermissionBlock(actions: ["*/read"])]),
            RoleDefinition(id: custom, resourceID: "/providers/Microsoft.Authorization/roleDefinitions/\(custom)",
                           roleName: "VM \u{1B}[31mOperator", description: "custom", isCustom: true,
                           permissions: [
                               PermissionBlock(actions: ["Microsoft.Compute/virtualMachines/*"],
                                               notActions: ["Microsoft.Compute/virtualMachines/delete"]),
                               PermissionBlock(dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
                                               notDataActions: ["x/y"], condition: "true", conditionVersion: "2.0"),
                           ],
                           assignableScopes: [Scope("/subscriptions/\(subProd)"), Scope("/subscriptions/\(subDev)")],
                           createdOn: "2024-01-01T00:00:00Z"),
        ]
        return b
    }

    static var assignments: ImportBatch {
        var b = ImportBatch(kind: .roleAssignments, shape: "az role assignment list")
        b.roleAssignments = [
            RoleAssignment(id: "da000000-0000-0000-0000-000000000001",
                           resourceID: "/providers/Microsoft.Management/managementGroups/platform/providers/Microsoft.Authorization/roleAssignments/x",
                           scope: Scope("/providers/Microsoft.Management/managementGroups/Platform"),
                           roleDefinitionID: owner, principalID: admins, principalType: "Group"),
            RoleAssignment(id: "da000000-0000-0000-0000-000000000002", resourceID: "r2",
                           scope: Scope("/subscriptions/\(subProd)"), roleDefinitionID: reader, principalID: alice,
                           principalType: "User", createdOn: "2024-02-02T00:00:00Z"),
            RoleAssignment(id: "da000000-0000-0000-0000-000000000003", resourceID: "r3",
                           scope: Scope("/subscriptions/\(subProd)/resourceGroups/RG-Web"), roleDefinitionID: custom,
                           principalID: bob, principalType: "User", condition: "@Resource[x] StringEquals 'y'",
                           conditionVersion: "2.0"),
            RoleAssignment(id: "da000000-0000-0000-0000-000000000004", resourceID: "r4",
                           scope: Scope("/subscriptions/\(subProd)/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm1"),
                           roleDefinitionID: reader, principalID: bob, principalType: "User"),
            RoleAssignment(id: "da000000-0000-0000-0000-000000000004", resourceID: "r4e",
                           scope: Scope("/subscriptions/\(subDev)"), roleDefinitionID: owner, principalID: bob,
                           principalType: "User", state: .eligible),
            RoleAssignment(id: "da000000-0000-0000-0000-000000000005", resourceID: "r5",
                           scope: Scope("/subscriptions/\(subLoose)"), roleDefinitionID: reader, principalID: alice,
                           principalType: "User"),
            RoleAssignment(id: "da000000-0000-0000-0000-000000000006", resourceID: "r6", scope: .root,
                           roleDefinitionID: reader, principalID: alice, principalType: "User"),
        ]
        return b
    }

    static var denies: ImportBatch {
        var b = ImportBatch(kind: .denyAssignments, shape: "ARM REST list")
        b.denyAssignments = [
            DenyAssignment(id: "dddddddd-0000-0000-0000-000000000001", resourceID: "d1", name: "block deletes",
                           description: "managed app", scope: Scope("/subscriptions/\(subProd)"),
                           permissions: [PermissionBlock(actions: ["*/delete"], notActions: ["Microsoft.Storage/*/delete"])],
                           principals: [PrincipalReference(id: AzureID.everyone, type: "SystemDefined")],
                           excludePrincipals: [PrincipalReference(id: admins, type: "Group")],
                           doNotApplyToChildScopes: true),
        ]
        return b
    }

    static var directory: ImportBatch {
        var b = ImportBatch(kind: .directory, shape: "Microsoft Graph list")
        b.principals = [
            Principal(id: alice, kind: .user, displayName: "Alice", userPrincipalName: "alice@contoso.com", userType: "Member",
                      accountEnabled: true),
            Principal(id: bob, kind: .user, displayName: "Bob (guest)", userPrincipalName: "bob_ext#EXT#@contoso.com",
                      userType: "Guest", mail: "bob@fabrikam.com"),
            Principal(id: admins, kind: .group, displayName: "Platform admins"),
        ]
        return b
    }

    static var members: ImportBatch {
        var b = ImportBatch(kind: .groupMembers, shape: "Microsoft Graph members")
        b.memberships = [GroupMembership(groupID: admins, memberID: alice, memberKind: .user)]
        b.membershipGroups = [admins]
        return b
    }

    static var hierarchy: ImportBatch {
        var b = ImportBatch(kind: .managementGroups, shape: "az account management-group show --expand --recurse")
        b.managementGroups = [
            ManagementGroup(name: tenant, displayName: "Tenant Root Group", parentName: nil, tenantID: tenant),
            ManagementGroup(name: "Platform", displayName: "Platform", parentName: tenant, tenantID: tenant),
            ManagementGroup(name: "LandingZones", displayName: "Landing zones", parentName: tenant, tenantID: tenant),
        ]
        b.subscriptions = [
            Subscription(id: subProd, displayName: "Prod", managementGroupID: "landingzones", state: "Enabled",
                         tags: ["owner": "=cmd|' /C calc'!A0", "env": "prod"]),
            Subscription(id: subDev, displayName: "Dev", managementGroupID: "Platform", state: "Enabled"),
        ]
        b.resources = [
            ResourceNode(scope: Scope("/subscriptions/\(subProd)/resourceGroups/rg-web"),
                         type: "microsoft.resources/subscriptions/resourcegroups", location: "westeurope", tags: ["app": "web"]),
            ResourceNode(scope: Scope("/subscriptions/\(subDev)/resourceGroups/rg-empty"),
                         type: "microsoft.resources/subscriptions/resourcegroups", location: "westeurope"),
        ]
        return b
    }

    static var catalog: ImportBatch {
        var b = ImportBatch(kind: .operations, shape: "az provider operation list")
        b.operations = [
            CatalogOperation(name: "Microsoft.Compute/virtualMachines/read", isDataAction: false, displayName: "Get VM",
                             provider: "Microsoft.Compute", resourceType: "virtualMachines"),
            CatalogOperation(name: "microsoft.compute/virtualmachines/READ", isDataAction: false, displayName: "dup",
                             provider: "Microsoft.Compute"),
            CatalogOperation(name: "Microsoft.AppConfiguration/configurationStores/keyValues/write", isDataAction: false,
                             provider: "Microsoft.AppConfiguration"),
            CatalogOperation(name: "Microsoft.AppConfiguration/configurationStores/keyValues/write", isDataAction: true,
                             provider: "Microsoft.AppConfiguration"),
        ]
        return b
    }

    static var allFiles: [DecodedFile] {
        [decoded(roles, name: "roles.json"), decoded(assignments, name: "assignments.json"),
         decoded(denies, name: "denies.json"), decoded(directory, name: "users.json"),
         decoded(members, name: "members.json"), decoded(hierarchy, name: "mgs.json"),
         decoded(catalog, name: "ops.json")]
    }
}
